-- grain: one row per bra_region_id
-- The districts (stadsområden) BRÅ's SOL reports for the big cities, as SOL names them, placed in their
-- municipality (reference/bra_districts.csv). A district exists from first_year (boundaries change: a
-- district is never compared across a change).
with source as (
    select * from raw.bra_districts
),

final as (
    select
        try_cast(bra_region_id as integer) as bra_region_id,
        trim(bra_region_label) as bra_region_label,
        trim(municipality_code) as municipality_code,
        trim(district_name) as district_name,
        try_cast(first_year as integer) as first_year,
        source_file,
        source_row
    from source
)

select * from final
