-- grain: one row per indicator_id, region_code, year
-- An indicator is the sum of its catalogue components; a region-year lacking any component has no value.
-- Where the catalogue gives an indicator another set of components (a variant), a complete real variant
-- beats a synthetic one. `origin` is synthetic where any count summed is.
-- A county (län) is the sum of its municipalities, only where every one of them has a value; so is riket
-- (count_basis `municipal_sum`), with BRÅ's own national total beside it (bra_national_count, which also
-- holds crimes not placed in any municipality). Where not every municipality has a value, riket is BRÅ's
-- national total (count_basis `bra_national_total`).
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
    select indicator_id, variant, count(*) as n_components
    from components
    group by indicator_id, variant
),

component_counts as (
    select
        indicators.indicator_id,
        components.variant,
        counts.region_code,
        counts.year,
        counts.reported_count,
        counts.is_preliminary,
        counts.origin,
        counts.source_file
    from indicators
    inner join components on components.indicator_id = indicators.indicator_id
    inner join counts on counts.crime_label = components.component
),

summed as (
    select
        indicator_id,
        variant,
        region_code,
        year,
        sum(reported_count) as reported_count,
        bool_or(is_preliminary) as is_preliminary,
        case when bool_or(origin = 'synthetic') then 'synthetic' else 'real' end as origin,
        count(*) as n_found,
        string_agg(distinct source_file, ', ' order by source_file) as source_files
    from component_counts
    group by indicator_id, variant, region_code, year
),

variants as (
    -- every variant whose components are all there; a real one before a synthetic one, then the first
    select
        summed.*,
        row_number() over (
            partition by summed.indicator_id, summed.region_code, summed.year
            order by summed.origin = 'synthetic', summed.variant
        ) as rank_in_cell
    from summed
    inner join component_total
        on component_total.indicator_id = summed.indicator_id and component_total.variant = summed.variant
    where summed.n_found = component_total.n_components
),

complete as (
    select indicator_id, region_code, year, reported_count, is_preliminary, origin, source_files
    from variants
    where rank_in_cell = 1
),

municipalities as (
    select * from stg_ref__municipalities
),

municipal as (
    select complete.*, 'reported' as count_basis, cast(null as bigint) as bra_national_count
    from complete
    inner join municipalities on municipalities.municipality_code = complete.region_code
),

county_size as (
    select county_code, count(*) as n from municipalities group by county_code
),

counties as (
    select
        municipal.indicator_id,
        municipalities.county_code as region_code,
        municipal.year,
        sum(municipal.reported_count) as reported_count,
        bool_or(municipal.is_preliminary) as is_preliminary,
        array_to_string(
            list_sort(list_distinct(flatten(list(string_split(municipal.source_files, ', '))))), ', '
        ) as source_files,
        case when bool_or(municipal.origin = 'synthetic') then 'synthetic' else 'real' end as origin,
        'municipal_sum' as count_basis,
        cast(null as bigint) as bra_national_count
    from municipal
    inner join municipalities on municipalities.municipality_code = municipal.region_code
    group by municipal.indicator_id, municipalities.county_code, municipal.year
    having count(*) = (select n from county_size where county_size.county_code = municipalities.county_code)
),

municipal_sum as (
    -- riket as the sum of every municipality, where all of them have a value
    select
        indicator_id,
        year,
        sum(reported_count) as reported_count,
        bool_or(is_preliminary) as is_preliminary,
        array_to_string(list_sort(list_distinct(flatten(list(string_split(source_files, ', '))))), ', ')
            as source_files,
        case when bool_or(origin = 'synthetic') then 'synthetic' else 'real' end as origin
    from municipal
    group by indicator_id, year
    having count(*) = (select count(*) from municipalities)
),

bra_national as (
    -- BRÅ's own national total (Hela landet): it also holds crimes not placed in any municipality
    select * from complete where region_code = '00'
),

riket as (
    select
        coalesce(municipal_sum.indicator_id, bra_national.indicator_id) as indicator_id,
        '00' as region_code,
        coalesce(municipal_sum.year, bra_national.year) as year,
        coalesce(municipal_sum.reported_count, bra_national.reported_count) as reported_count,
        coalesce(municipal_sum.is_preliminary, bra_national.is_preliminary) as is_preliminary,
        coalesce(municipal_sum.source_files, bra_national.source_files) as source_files,
        coalesce(municipal_sum.origin, bra_national.origin) as origin,
        case when municipal_sum.indicator_id is not null then 'municipal_sum' else 'bra_national_total' end
            as count_basis,
        bra_national.reported_count as bra_national_count,
        bra_national.origin as bra_national_origin
    from municipal_sum
    full outer join bra_national
        on bra_national.indicator_id = municipal_sum.indicator_id and bra_national.year = municipal_sum.year
),

final as (
    select * from municipal
    union all by name
    select * from counties
    union all by name
    select * from riket
)

select * from final
