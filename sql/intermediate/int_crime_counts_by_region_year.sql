-- grain: one row per region_code, crime_label, year
-- Yearly BRÅ counts keyed by category label (menu ids differ between yearly and monthly menus). A real
-- figure always beats a synthetic (demo) one: `origin` says which each cell is. Then four bases, in order
-- of preference: a yearly SOL row; the sum of a monthly export's twelve months (a year with fewer months is
-- not a year yet); the derived table of headline categories; BRÅ's municipality CSV (totals only). Within a
-- basis a final figure beats a preliminary one, and a newer export (load log) beats an older one: the load
-- log keeps both, the curated table the latest. `..` rows carry no count and are dropped.
with crime as (
    select * from stg_bra__reported_crime
    where count_status in ('value', 'zero')
),

totals as (
    select * from stg_bra__municipality_totals
    where count_status in ('value', 'zero') and region_code is not null and year is not null
),

categories as (
    select * from stg_bra__municipality_categories
    where count_status in ('value', 'zero') and year is not null
),

load_log as (
    select * from stg_meta__load_log
),

source_files as (
    select source_file, case when is_synthetic then 'synthetic' else 'real' end as origin
    from stg_meta__source_files
),

regions as (
    select * from int_regions
),

located as (
    select
        regions.region_code,
        crime.crime_label,
        crime.period_type,
        crime.year,
        crime.month,
        crime.reported_count,
        crime.is_preliminary,
        crime.source_file,
        load_log.loaded_at
    from crime
    inner join regions on regions.bra_region_label = crime.region_label
    left join load_log on load_log.source_file = crime.source_file
),

months_ranked as (
    select
        *,
        row_number() over (
            partition by region_code, crime_label, year, month
            order by is_preliminary asc, loaded_at desc nulls last, source_file desc
        ) as rank_in_month
    from located
    where period_type = 'month'
),

from_months as (
    select
        region_code,
        crime_label,
        year,
        sum(reported_count) as reported_count,
        bool_or(is_preliminary) as is_preliminary,
        max(source_file) as source_file,
        max(loaded_at) as loaded_at,
        2 as basis_rank,
        'months' as basis
    from months_ranked
    where rank_in_month = 1
    group by region_code, crime_label, year
    having count(distinct month) = 12
),

from_years as (
    select
        region_code, crime_label, year, reported_count, is_preliminary, source_file, loaded_at,
        1 as basis_rank,
        'year' as basis
    from located
    where period_type = 'year'
),

from_totals as (
    select
        totals.region_code,
        'Totalt antal brott' as crime_label,
        totals.year,
        totals.reported_count,
        false as is_preliminary,
        totals.source_file,
        load_log.loaded_at,
        4 as basis_rank,
        'municipality_csv' as basis
    from totals
    left join load_log on load_log.source_file = totals.source_file
),

from_categories as (
    select
        categories.region_code,
        categories.crime_label,
        categories.year,
        categories.reported_count,
        categories.is_preliminary,
        categories.source_file,
        load_log.loaded_at,
        3 as basis_rank,
        'municipality_categories' as basis
    from categories
    inner join regions on regions.region_code = categories.region_code
    left join load_log on load_log.source_file = categories.source_file
),

candidates as (
    select * from from_years
    union all
    select * from from_months
    union all
    select * from from_categories
    union all
    select * from from_totals
),

with_origin as (
    select candidates.*, coalesce(source_files.origin, 'real') as origin
    from candidates
    left join source_files on source_files.source_file = candidates.source_file
),

ranked as (
    select
        *,
        row_number() over (
            partition by region_code, crime_label, year
            order by origin = 'synthetic' asc, is_preliminary asc, basis_rank asc, loaded_at desc nulls last,
                source_file desc
        ) as rank_in_year
    from with_origin
),

final as (
    select region_code, crime_label, year, reported_count, is_preliminary, basis, origin, source_file
    from ranked
    where rank_in_year = 1
)

select * from final
