-- grain: one row per municipality_code, area_name
-- Sub-municipal areas (delområden) and the district (stadsdel) each belongs to, from
-- reference/<kommun>_delomraden.csv; the municipality is the file name's prefix (`malmo` → Malmö).
with source as (
    select * from raw.districts
),

municipalities as (
    select * from raw.municipalities
),

final as (
    select
        municipalities.municipality_code,
        trim(source.name) as area_name,
        trim(source.stadsdel) as district_name,
        source.source_file,
        source.source_row
    from source
    left join municipalities
        on lower(strip_accents(replace(municipalities.municipality_name, ' ', '-')))
        = regexp_extract(source.source_file, '^reference/(.+)_delomraden\.csv$', 1)
)

select * from final
