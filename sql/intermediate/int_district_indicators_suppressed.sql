-- grain: one row per indicator_id, municipality_code, district_name, year
-- Register indicators per district (the sum of the indicator's components, where all are there), with the
-- suppression decided as for every sub-municipal cell: is_primary (1 to $min_cell_count - 1 crimes) and
-- is_secondary (the smallest other district of the year, where one alone would be hidden). Private: the
-- published mart shows only a cell's status.
with counts as (
    select * from int_district_crime_counts_by_year
),

indicators as (
    select * from stg_catalogue__indicators
    where source = 'bra'
),

components as (
    select * from stg_catalogue__indicator_components
    where variant = 1
),

component_total as (
    select indicator_id, count(*) as n_components from components group by indicator_id
),

summed as (
    select
        components.indicator_id,
        counts.municipality_code,
        counts.district_name,
        counts.year,
        sum(counts.reported_count) as reported_count,
        bool_or(counts.is_preliminary) as is_preliminary,
        count(*) as n_found,
        string_agg(distinct counts.source_file, ', ' order by counts.source_file) as source_files
    from counts
    inner join components on components.component = counts.crime_label
    inner join indicators on indicators.indicator_id = components.indicator_id
    group by components.indicator_id, counts.municipality_code, counts.district_name, counts.year
),

complete as (
    select summed.*, cell_status(summed.reported_count, $min_cell_count) = 'suppressed' as is_primary
    from summed
    inner join component_total on component_total.indicator_id = summed.indicator_id
    where summed.n_found = component_total.n_components
),

ranked as (
    select
        *,
        count(*) filter (where is_primary) over (partition by indicator_id, municipality_code, year) as n_primary,
        row_number() over (
            partition by indicator_id, municipality_code, year, is_primary
            order by reported_count = 0, reported_count, district_name
        ) as rank_in_group
    from complete
),

final as (
    select
        indicator_id, municipality_code, district_name, year, reported_count, is_preliminary, source_files,
        is_primary,
        n_primary = 1 and not is_primary and rank_in_group = 1 as is_secondary
    from ranked
)

select * from final
