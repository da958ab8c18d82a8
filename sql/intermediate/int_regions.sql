-- grain: one row per region_code
-- Municipalities and riket, with the label BRÅ SOL uses for each.
with municipalities as (
    select * from stg_ref__municipalities
),

final as (
    select
        municipality_code as region_code,
        municipality_name as region_name,
        'kommun' as region_type,
        county_code,
        county_name,
        bra_region_label
    from municipalities
    union all
    select
        '00' as region_code,
        'Riket' as region_name,
        'riket' as region_type,
        null as county_code,
        null as county_name,
        'Hela landet' as bra_region_label
)

select * from final
