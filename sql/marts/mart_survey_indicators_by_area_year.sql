-- grain: one row per indicator_id, area_name, year
-- Trygghetsmätning indicators for municipalities and their parts (stadsdel, delområde: placed in their
-- municipality through the district reference). Percentages with a respondent count get a 95 % Wilson
-- interval; without n no interval can be computed and the bounds are null. A part of a municipality with
-- fewer than $min_respondents respondents is suppressed: no value, no interval, value_status `suppressed`.
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

districts as (
    select distinct municipality_code, district_name as name, 'stadsdel' as area_type from stg_ref__districts
    union
    select distinct municipality_code, area_name as name, 'delomrade' as area_type from stg_ref__districts
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
        coalesce(municipalities.municipality_code, districts.municipality_code) as municipality_code,
        results.area_type <> 'kommun' and coalesce(results.respondents, 0) < $min_respondents
            and results.respondents is not null as is_too_few,
        results.year,
        results.unit,
        results.value,
        results.respondents,
        results.value / 100.0 as p,
        $z95 as z,
        results.note,
        results.source_url,
        results.source_file,
        coalesce(source_files.is_synthetic, false) as is_synthetic
    from results
    inner join components on components.component = results.item
    inner join indicators on indicators.indicator_id = components.indicator_id
    left join municipalities
        on municipalities.municipality_name = results.area_name and results.area_type = 'kommun'
    left join districts on districts.name = results.area_name and districts.area_type = results.area_type
    left join source_files on source_files.source_file = results.source_file
),

final as (
    select
        indicator_id,
        area_id,
        area_name,
        area_type,
        region_code,
        municipality_code,
        year,
        unit,
        case when is_too_few then null else value end as value,
        case when is_too_few then 'suppressed' else cell_status(value, 0) end as value_status,
        respondents,
        case when unit = 'procent' and respondents > 0 and not is_too_few then round(100 * (
            (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
            - z * sqrt(p * (1 - p) / respondents + z * z / (4.0 * respondents * respondents))
            / (1 + z * z / respondents)
        ), 2) end as ci_low,
        case when unit = 'procent' and respondents > 0 and not is_too_few then round(100 * (
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
