-- grain: one row per municipality_code, atgard_id
-- The åtgärdsplan's measures as the analysts registered them, with their area and the indicators they are
-- meant to move (in the register's order) and how many of them can be followed up statistically.
with register as (
    select * from stg_measures__register
    where municipality_code is not null and atgard_id is not null
),

links as (
    select
        municipality_code,
        atgard_id,
        string_agg(indicator_id, ',' order by position) as indicator_ids,
        count(*) filter (where is_measurable) as n_measurable
    from int_measure_indicators
    group by municipality_code, atgard_id
),

areas as (
    select * from stg_catalogue__areas
),

final as (
    select
        register.municipality_code,
        register.atgard_id,
        register.titel,
        register.ansvarig,
        register.area_id,
        areas.title_sv as area_title_sv,
        coalesce(links.indicator_ids, '') as indicator_ids,
        coalesce(links.n_measurable, 0) as n_measurable,
        register.start_year,
        register.end_year,
        register.expected_direction,
        register.beskrivning,
        register.source_file
    from register
    left join links on links.municipality_code = register.municipality_code and links.atgard_id = register.atgard_id
    left join areas on areas.area_id = register.area_id
)

select * from final
