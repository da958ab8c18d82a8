-- grain: one row per region_code
-- Municipalities, counties (län, SCB's two-digit code) and riket, with the label BRÅ SOL uses for each.
-- County figures are sums over their municipalities (see int_indicator_counts_by_region_year).
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
    select distinct
        county_code as region_code,
        county_name as region_name,
        'lan' as region_type,
        county_code,
        county_name,
        null as bra_region_label
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
