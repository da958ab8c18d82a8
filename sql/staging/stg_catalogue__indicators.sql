-- grain: one row per indicator_id
-- direction: higher_is_worse, higher_is_better or none (no level is proposed); denominator: the population a
-- rate is per 100 000 of (total, children_0_17, women_18_plus; empty where there is no rate).
with source as (
    select * from raw.catalogue_indicators
),

final as (
    select
        indicator_id,
        try_cast(catalogue_version as integer) as catalogue_version,
        nullif(trim(area_id), '') as area_id,
        title_sv,
        source,
        unit,
        lower(enforcement_driven) = 'true' as is_enforcement_driven,
        coalesce(nullif(trim(direction), ''), 'none') as direction,
        nullif(trim(denominator), '') as denominator,
        lower(is_headline) = 'true' as is_headline,
        definition_sv,
        source_file,
        source_row
    from source
)

select * from final
