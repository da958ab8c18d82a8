-- grain: one row per region_code, year, population_group
-- Subgroup folkmängd 31 December for indicators whose victims are a subgroup: children_0_17 (ages 0–17,
-- both sexes) and women_18_plus (kvinnor, ages 18 to 100+). A group is given only where every part of it
-- is there (all 18 or 83 ages; both sexes where the answer splits by sex), so that no partial sum is ever
-- used as a denominator. Where several answers give the same group, the one loaded last wins. Counties and
-- riket are the sums of their municipalities, where every one of them has the group.
with parts as (
    select * from stg_scb__population_groups
    where population is not null
),

load_log as (
    select * from stg_meta__load_log
),

children as (
    select
        region_code, year, 'children_0_17' as population_group, source_file,
        sum(population) as population
    from parts
    where age between 0 and 17
    group by region_code, year, source_file
    having count(distinct age) = 18 and (bool_and(sex is null) or count(distinct sex) = 2)
),

women as (
    select
        region_code, year, 'women_18_plus' as population_group, source_file,
        sum(population) as population
    from parts
    where sex = '2' and age >= 18
    group by region_code, year, source_file
    having count(distinct age) = 83
),

groups as (
    select * from children
    union all
    select * from women
),

ranked as (
    select
        groups.*,
        row_number() over (
            partition by groups.region_code, groups.year, groups.population_group
            order by load_log.loaded_at desc nulls last, groups.source_file desc
        ) as rank_in_group
    from groups
    left join load_log on load_log.source_file = groups.source_file
),

chosen as (
    select region_code, year, population_group, population, source_file
    from ranked
    where rank_in_group = 1
),

municipalities as (
    select * from stg_ref__municipalities
),

county_size as (
    select county_code, count(*) as n from municipalities group by county_code
),

counties as (
    select
        municipalities.county_code as region_code,
        chosen.year,
        chosen.population_group,
        sum(chosen.population) as population,
        string_agg(distinct chosen.source_file, ', ' order by chosen.source_file) as source_file
    from chosen
    inner join municipalities on municipalities.municipality_code = chosen.region_code
    group by municipalities.county_code, chosen.year, chosen.population_group
    having count(*) = (select n from county_size where county_size.county_code = municipalities.county_code)
),

riket as (
    select
        '00' as region_code,
        chosen.year,
        chosen.population_group,
        sum(chosen.population) as population,
        string_agg(distinct chosen.source_file, ', ' order by chosen.source_file) as source_file
    from chosen
    inner join municipalities on municipalities.municipality_code = chosen.region_code
    group by chosen.year, chosen.population_group
    having count(*) = (select count(*) from municipalities)
),

final as (
    select region_code, year, population_group, cast(population as bigint) as population, source_file
    from chosen
    where region_code in (select municipality_code from municipalities)
    union all
    select region_code, year, population_group, cast(population as bigint) as population, source_file
    from counties
    union all
    select region_code, year, population_group, cast(population as bigint) as population, source_file
    from riket
)

select * from final
