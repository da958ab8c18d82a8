-- grain: one row per indicator_id, region_code, year
-- Anmälda brott per indicator with the rate per 100 000 inhabitants and the population it used
-- (folkmängd 31 December the same year). Rates are null where no population figure exists. Riket and the
-- counties are sums over their municipalities (count_basis `municipal_sum`); riket's row also gives BRÅ's
-- national total (bra_national_count) and the crimes it holds that no municipality has (unplaced_count).
-- An indicator whose victims are a subgroup (the catalogue's denominator: children_0_17, women_18_plus) is
-- per 100 000 of that subgroup where SCB's split folkmängd is there; otherwise per 100 000 of the whole
-- population, and `denominator` says which was used. Each cell says whether its count and its population are
-- real or synthetic (demo) figures: count_origin, population_origin; is_synthetic where either is.
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
        -- only where both are real figures: a difference against a demo total would mean nothing
        case
            when counts.count_basis = 'municipal_sum' and counts.origin = 'real' and counts.bra_national_origin = 'real'
                then counts.bra_national_count - counts.reported_count
        end as unplaced_count,
        counts.is_preliminary,
        counts.origin as count_origin,
        case when groups.population is null and population.is_synthetic then 'synthetic' else 'real' end
            as population_origin,
        counts.origin = 'synthetic' or (groups.population is null and coalesce(population.is_synthetic, false))
            as is_synthetic,
        counts.source_files,
        coalesce(groups.source_file, population.source_file) as population_source_file
    from counts
    inner join indicators on indicators.indicator_id = counts.indicator_id
    inner join regions on regions.region_code = counts.region_code
    left join population on population.region_code = counts.region_code and population.year = counts.year
    left join groups
        on groups.region_code = counts.region_code
        and groups.year = counts.year
        and groups.population_group = indicators.denominator
)

select * from final
