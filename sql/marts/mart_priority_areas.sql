-- grain: one row per area_id
-- The six priority areas as the catalogue names them, in their order, with how well statistics cover each.
with areas as (
    select * from stg_catalogue__areas
),

final as (
    select
        area_id,
        area_number,
        slug,
        title_sv,
        coverage,
        coverage_note_sv
    from areas
)

select * from final
