-- grain: one row per municipality_code
with source as (
    select * from raw.municipalities
),

final as (
    select
        municipality_code,
        municipality_name,
        county_code,
        county_name,
        try_cast(bra_region_id as integer) as bra_region_id,
        bra_region_label,
        source_file,
        source_row
    from source
)

select * from final
