-- grain: one row per indicator_id, component
with source as (
    select * from raw.catalogue_indicator_components
),

final as (
    select
        indicator_id,
        trim(component) as component,
        source_file,
        source_row
    from source
)

select * from final
