-- grain: one row per region_code
-- Municipalities and riket, for looking up names and codes.
with regions as (
    select * from int_regions
),

final as (
    select
        region_code,
        region_name,
        region_type,
        county_code,
        county_name,
        bra_region_label
    from regions
)

select * from final
