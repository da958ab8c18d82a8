-- grain: one row per municipality_code, year, peer_code
-- The municipalities each municipality is compared with, for every year with crime figures: the catalogue's
-- peers (data/catalogue/peers.csv) where it names any, else the three municipalities nearest in population
-- (folkmängd of the latest year up to that year). A run given --peers uses those instead.
with catalogue_peers as (
    select * from stg_catalogue__peers
),

municipalities as (
    select * from stg_ref__municipalities
),

population as (
    select population.region_code, population.year, population.population
    from int_population_by_region_year as population
    inner join municipalities on municipalities.municipality_code = population.region_code
),

years as (
    select distinct year from int_indicator_counts_by_region_year
),

municipality_years as (
    select municipalities.municipality_code, years.year
    from municipalities
    cross join years
),

sized as (
    -- each municipality's folkmängd in the latest population year up to the year
    select
        municipality_years.municipality_code,
        municipality_years.year,
        population.year as population_year,
        population.population
    from municipality_years
    asof inner join population
        on population.region_code = municipality_years.municipality_code
        and population.year <= municipality_years.year
),

listed as (
    select
        municipality_years.municipality_code,
        municipality_years.year,
        catalogue_peers.peer_code,
        row_number() over (
            partition by municipality_years.municipality_code, municipality_years.year
            order by catalogue_peers.source_row
        ) as peer_rank,
        'catalogue' as basis
    from municipality_years
    inner join catalogue_peers on catalogue_peers.municipality_code = municipality_years.municipality_code
),

nearest_candidates as (
    select
        own.municipality_code,
        own.year,
        other.municipality_code as peer_code,
        row_number() over (
            partition by own.municipality_code, own.year
            order by abs(other.population - own.population), other.municipality_code
        ) as peer_rank
    from sized as own
    inner join sized as other
        on other.year = own.year
        and other.population_year = own.population_year
        and other.municipality_code <> own.municipality_code
    where not exists (
        select 1 from catalogue_peers where catalogue_peers.municipality_code = own.municipality_code
    )
),

nearest as (
    select municipality_code, year, peer_code, peer_rank, 'nearest_population' as basis
    from nearest_candidates
    where peer_rank <= 3
),

final as (
    select * from listed
    union all
    select * from nearest
)

select * from final
