-- grain: one row per indicator_id, area_id
-- Indicators shown in an area besides their own (data/catalogue/indicator_areas.csv): one indicator, tested
-- once, referenced from both areas, with a note on why it is shown there.
with source as (
    select * from raw.catalogue_indicator_areas
),

final as (
    select
        trim(indicator_id) as indicator_id,
        trim(area_id) as area_id,
        nullif(trim(note_sv), '') as note_sv,
        source_file,
        source_row
    from source
)

select * from final
