-- grain: one row per indicator_id, component
-- variant: an indicator may be made of other components where its first set is not there (1 is the first).
with source as (
    select * from raw.catalogue_indicator_components
),

final as (
    select
        indicator_id,
        trim(component) as component,
        coalesce(try_cast(variant as integer), 1) as variant,
        source_file,
        source_row
    from source
)

select * from final
