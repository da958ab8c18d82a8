-- grain: one row per region_code, crime_label, year
-- Yearly BRÅ counts keyed by category label (menu ids differ between yearly and monthly menus).
-- A final figure replaces a preliminary one for the same year; `..` rows carry no count and are dropped.
with crime as (
    select * from stg_bra__reported_crime
    where period_type = 'year' and count_status in ('value', 'zero')
),

regions as (
    select * from int_regions
),

ranked as (
    select
        regions.region_code,
        crime.crime_label,
        crime.year,
        crime.reported_count,
        crime.is_preliminary,
        crime.source_file,
        row_number() over (
            partition by regions.region_code, crime.crime_label, crime.year
            order by crime.is_preliminary asc, crime.source_file desc
        ) as rank_in_year
    from crime
    inner join regions on regions.bra_region_label = crime.region_label
),

final as (
    select region_code, crime_label, year, reported_count, is_preliminary, source_file
    from ranked
    where rank_in_year = 1
)

select * from final
