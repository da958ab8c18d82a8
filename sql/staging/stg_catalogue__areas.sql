-- grain: one row per area_id
with source as (
    select * from raw.catalogue_areas
),

final as (
    select
        area_id,
        try_cast(area_number as integer) as area_number,
        slug,
        title_sv,
        coverage,
        coverage_note_sv,
        source_file,
        source_row
    from source
)

select * from final
