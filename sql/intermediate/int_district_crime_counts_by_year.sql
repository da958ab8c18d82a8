-- grain: one row per municipality_code, district_name, crime_label, year
-- BRÅ's yearly counts for the big cities' districts (stadsområden), from SOL rows whose region is a district
-- in reference/bra_districts.csv, from the district's first year on. A final figure beats a preliminary one,
-- a newer export an older one. Districts do not sum to the city total (about 90–98 %): some crimes are not
-- placed in any district.
with crime as (
    select * from stg_bra__reported_crime
    where count_status in ('value', 'zero') and period_type = 'year'
),

districts as (
    select * from stg_ref__bra_districts
),

load_log as (
    select * from stg_meta__load_log
),

placed as (
    select
        districts.municipality_code,
        districts.district_name,
        districts.bra_region_id,
        crime.crime_label,
        crime.year,
        crime.reported_count,
        crime.is_preliminary,
        crime.source_file,
        crime.source_row,
        row_number() over (
            partition by districts.bra_region_id, crime.crime_label, crime.year
            order by crime.is_preliminary, load_log.loaded_at desc nulls last, crime.source_file desc
        ) as rank_in_year
    from crime
    inner join districts on districts.bra_region_label = crime.region_label
    left join load_log on load_log.source_file = crime.source_file
    where crime.year >= coalesce(districts.first_year, 0)
),

final as (
    select
        municipality_code, district_name, bra_region_id, crime_label, year, reported_count, is_preliminary,
        source_file, source_row
    from placed
    where rank_in_year = 1
)

select * from final
