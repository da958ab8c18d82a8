-- grain: one row per indicator_id
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
        lower(is_headline) = 'true' as is_headline,
        definition_sv,
        source_file,
        source_row
    from source
)

select * from final
