-- grain: one row per region_code, year
-- Folkmängd 31 December. SCB's own figure first; where SCB's is missing, the population BRÅ used, derived
-- from its count and rate per 100 000 of all crime (count · 100 000 / rate; the rate is rounded to a whole
-- number, so the figure is good to about 0,01 %); synthetic (demo) figures last. Where two files of the
-- same kind give the same region and year, the one loaded last (load log) wins, then the later file name
-- (bundled files are not in the load log). `basis` says which it is.
-- Riket is SCB's own figure where an export has it, else the sum of all municipalities (only when every
-- municipality is present). A county (län) is the sum of its municipalities, when all of them are present.
with scb as (
    select region_code, year, population, source_file, 'scb' as basis from stg_scb__population
    where population is not null and region_code is not null
),

bra_derived as (
    select
        region_code,
        year,
        cast(round(reported_count * 100000.0 / bra_rate_per_100k) as bigint) as population,
        source_file,
        'derived_from_bra_rate' as basis
    from stg_bra__municipality_categories
    where category_key = 'total' and reported_count > 0 and bra_rate_per_100k > 0 and year is not null
),

population as (
    select * from scb
    union all
    select * from bra_derived
),

source_files as (
    select * from stg_meta__source_files
),

load_log as (
    select * from stg_meta__load_log
),

municipalities as (
    select * from stg_ref__municipalities
),

municipality_count as (
    select count(*) as n from municipalities
),

county_size as (
    select county_code, count(*) as n from municipalities group by county_code
),

ranked as (
    select
        population.region_code,
        population.year,
        population.population,
        population.source_file,
        population.basis,
        coalesce(source_files.is_synthetic, false) as is_synthetic,
        row_number() over (
            partition by population.region_code, population.year
            order by
                coalesce(source_files.is_synthetic, false),
                population.basis <> 'scb',
                load_log.loaded_at desc nulls last,
                population.source_file desc
        ) as rank_in_year
    from population
    left join source_files on source_files.source_file = population.source_file
    left join load_log on load_log.source_file = population.source_file
),

chosen as (
    select region_code, year, population, source_file, is_synthetic, basis
    from ranked
    where rank_in_year = 1
),

summed_riket as (
    select
        '00' as region_code,
        chosen.year,
        cast(sum(chosen.population) as bigint) as population,
        string_agg(distinct chosen.source_file, ', ' order by chosen.source_file) as source_file,
        bool_or(chosen.is_synthetic) as is_synthetic,
        'municipal_sum' as basis
    from chosen
    where chosen.region_code <> '00'
    group by chosen.year
    having count(*) = (select n from municipality_count)
),

summed_counties as (
    select
        municipalities.county_code as region_code,
        chosen.year,
        cast(sum(chosen.population) as bigint) as population,
        string_agg(distinct chosen.source_file, ', ' order by chosen.source_file) as source_file,
        bool_or(chosen.is_synthetic) as is_synthetic,
        'municipal_sum' as basis
    from chosen
    inner join municipalities on municipalities.municipality_code = chosen.region_code
    group by municipalities.county_code, chosen.year
    having count(*) = (select n from county_size where county_size.county_code = municipalities.county_code)
),

final as (
    select * from chosen
    union all by name
    select * from summed_counties
    union all by name
    select * from summed_riket
    where not exists (
        select 1 from chosen where chosen.region_code = '00' and chosen.year = summed_riket.year
    )
)

select * from final
