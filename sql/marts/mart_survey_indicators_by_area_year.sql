-- grain: one row per indicator_id, area_name, year
-- Trygghetsmätning indicators. Percentages with a respondent count get a 95 % Wilson interval;
-- without n no interval can be computed and the bounds are null.
with results as (
    select * from stg_survey__results
),

indicators as (
    select * from stg_catalogue__indicators
    where source = 'survey'
),

components as (
    select * from stg_catalogue__indicator_components
),

municipalities as (
    select * from stg_ref__municipalities
),

source_files as (
    select * from stg_meta__source_files
),

joined as (
    select
        indicators.indicator_id,
        indicators.area_id,
        results.area_name,
        results.area_type,
        municipalities.municipality_code as region_code,
        results.year,
        results.unit,
        results.value,
        results.respondents,
        results.value / 100.0 as p,
        1.959963984540054 as z,
        results.note,
        results.source_url,
        results.source_file,
        coalesce(source_files.is_synthetic, false) as is_synthetic
    from results
    inner join components on components.component = results.item
    inner join indicators on indicators.indicator_id = components.indicator_id
    left join municipalities
        on municipalities.municipality_name = results.area_name and results.area_type = 'kommun'
    left join source_files on source_files.source_file = results.source_file
),

final as (
    select
        indicator_id,
        area_id,
        area_name,
        area_type,
        region_code,
        year,
        unit,
        value,
        cell_status(value, 0) as value_status,
        respondents,
        case when unit = 'procent' and respondents > 0 then round(100 * (
            (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
            - z * sqrt(p * (1 - p) / respondents + z * z / (4.0 * respondents * respondents))
            / (1 + z * z / respondents)
        ), 2) end as ci_low,
        case when unit = 'procent' and respondents > 0 then round(100 * (
            (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
            + z * sqrt(p * (1 - p) / respondents + z * z / (4.0 * respondents * respondents))
            / (1 + z * z / respondents)
        ), 2) end as ci_high,
        note,
        source_url,
        source_file,
        is_synthetic
    from joined
)

select * from final
