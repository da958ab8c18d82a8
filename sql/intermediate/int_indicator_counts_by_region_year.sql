-- grain: one row per indicator_id, region_code, year
-- An indicator is the sum of its catalogue components; a region-year lacking any component has no value.
with indicators as (
    select * from stg_catalogue__indicators
    where source = 'bra'
),

components as (
    select * from stg_catalogue__indicator_components
),

counts as (
    select * from int_crime_counts_by_region_year
),

component_total as (
    select indicator_id, count(*) as n_components
    from components
    group by indicator_id
),

component_counts as (
    select
        indicators.indicator_id,
        counts.region_code,
        counts.year,
        counts.reported_count,
        counts.is_preliminary,
        counts.source_file
    from indicators
    inner join components on components.indicator_id = indicators.indicator_id
    inner join counts on counts.crime_label = components.component
),

summed as (
    select
        indicator_id,
        region_code,
        year,
        sum(reported_count) as reported_count,
        bool_or(is_preliminary) as is_preliminary,
        count(*) as n_found,
        string_agg(distinct source_file, ', ' order by source_file) as source_files
    from component_counts
    group by indicator_id, region_code, year
),

final as (
    select
        summed.indicator_id,
        summed.region_code,
        summed.year,
        summed.reported_count,
        summed.is_preliminary,
        summed.source_files
    from summed
    inner join component_total on component_total.indicator_id = summed.indicator_id
    where summed.n_found = component_total.n_components
)

select * from final
