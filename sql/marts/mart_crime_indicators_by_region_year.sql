-- grain: one row per indicator_id, region_code, year
-- Anmälda brott per indicator with the rate per 100 000 inhabitants and the population it used
-- (folkmängd 31 December the same year). Rates are null where no population figure exists. Riket and the
-- counties are sums over their municipalities (count_basis `municipal_sum`); riket's row also gives BRÅ's
-- national total (bra_national_count) and the crimes it holds that no municipality has (unplaced_count).
-- An indicator whose victims are a subgroup (the catalogue's denominator: children_0_17, women_18_plus) is
-- per 100 000 of that subgroup where SCB's split folkmängd is there; otherwise per 100 000 of the whole
-- population, and `denominator` says which was used.
with counts as (
    select * from int_indicator_counts_by_region_year
),

population as (
    select * from int_population_by_region_year
),

groups as (
    select * from int_population_groups_by_region_year
),

regions as (
    select * from int_regions
),

indicators as (
    select * from stg_catalogue__indicators
),

source_files as (
    select * from stg_meta__source_files
),

count_synthetic as (
    select
        counts.indicator_id,
        counts.region_code,
        counts.year,
        bool_or(coalesce(source_files.is_synthetic, false)) as is_synthetic
    from counts
    left join source_files on list_contains(string_split(counts.source_files, ', '), source_files.source_file)
    group by counts.indicator_id, counts.region_code, counts.year
),

final as (
    select
        counts.indicator_id,
        indicators.area_id,
        counts.region_code,
        regions.region_name,
        regions.region_type,
        counts.year,
        counts.reported_count,
        cell_status(counts.reported_count, 1) as count_status,  -- BRÅ publishes every municipal count
        coalesce(groups.population, population.population) as population,
        coalesce(groups.year, population.year) as population_year,
        case when groups.population is not null then indicators.denominator else 'total' end as denominator,
        round(counts.reported_count * 100000.0 / coalesce(groups.population, population.population), 1)
            as rate_per_100k,
        counts.count_basis,
        counts.bra_national_count,
        case when counts.count_basis = 'municipal_sum' then counts.bra_national_count - counts.reported_count end
            as unplaced_count,
        counts.is_preliminary,
        count_synthetic.is_synthetic or coalesce(population.is_synthetic, false) as is_synthetic,
        counts.source_files,
        coalesce(groups.source_file, population.source_file) as population_source_file
    from counts
    inner join indicators on indicators.indicator_id = counts.indicator_id
    inner join regions on regions.region_code = counts.region_code
    inner join count_synthetic
        on count_synthetic.indicator_id = counts.indicator_id
        and count_synthetic.region_code = counts.region_code
        and count_synthetic.year = counts.year
    left join population on population.region_code = counts.region_code and population.year = counts.year
    left join groups
        on groups.region_code = counts.region_code
        and groups.year = counts.year
        and groups.population_group = indicators.denominator
)

select * from final
