-- grain: one row per municipality_code, atgard_id
-- The registers of measures (reports/atgardsplan/<kommun>/atgarder.csv): the folder names the municipality,
-- the area may be given by id, number or title, the years are cast. Ids the catalogue does not know and an
-- area it does not know are kept as written (their suite stops the build and names them).
with source as (
    select * from raw.measures
),

municipalities as (
    select * from raw.municipalities
),

areas as (
    select * from raw.catalogue_areas
),

final as (
    select
        municipalities.municipality_code,
        regexp_extract(source.source_file, '([^/]+)/atgarder\.csv$', 1) as municipality_slug,
        nullif(trim(source.atgard_id), '') as atgard_id,
        trim(source.titel) as titel,
        trim(source.ansvarig) as ansvarig,
        trim(source.omrade) as omrade,
        areas.area_id,
        list_filter(list_transform(string_split(coalesce(source.indikatorer, ''), ','), lambda x: trim(x)), lambda x: x <> '')
            as indicator_ids,
        trim(source.start) as start_text,
        try_cast(trim(source.start) as integer) as start_year,
        nullif(trim(source.slut), '') as end_text,
        try_cast(nullif(trim(source.slut), '') as integer) as end_year,
        lower(trim(source.forvantad_riktning)) as expected_direction,
        trim(source.beskrivning) as beskrivning,
        source.source_file,
        source.source_row
    from source
    left join municipalities
        on lower(strip_accents(replace(municipalities.municipality_name, ' ', '-')))
        = regexp_extract(source.source_file, '([^/]+)/atgarder\.csv$', 1)
    left join areas
        on lower(trim(source.omrade)) in (lower(areas.area_id), lower(areas.slug), areas.area_number, lower(areas.title_sv))
)

select * from final
