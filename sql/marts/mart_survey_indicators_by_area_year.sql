-- grain: one row per indicator_id, area_name, year
-- Trygghetsmätning indicators for municipalities and their parts (stadsdel, delområde: placed in their
-- municipality through the district reference). Percentages with a respondent count get a 95 % Wilson
-- interval; without n no interval can be computed and the bounds are null. A suppressed part (too few or
-- unknown respondents, or hidden so that another cannot be recovered: int_survey_results_suppressed) has
-- no value, no respondent count and no interval, and value_status `suppressed`.
with results as (
    select
        *,
        is_primary or is_secondary as is_suppressed,
        value / 100.0 as p,
        $z95 as z
    from int_survey_results_suppressed
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
        case when is_suppressed then null else value end as value,
        case when is_suppressed then 'suppressed' else cell_status(value, 0) end as value_status,
        case when is_suppressed then null else respondents end as respondents,
        case when unit = 'procent' and respondents > 0 and not is_suppressed then round(100 * (
            (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
            - z * sqrt(p * (1 - p) / respondents + z * z / (4.0 * respondents * respondents))
            / (1 + z * z / respondents)
        ), 2) end as ci_low,
        case when unit = 'procent' and respondents > 0 and not is_suppressed then round(100 * (
            (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
            + z * sqrt(p * (1 - p) / respondents + z * z / (4.0 * respondents * respondents))
            / (1 + z * z / respondents)
        ), 2) end as ci_high,
        note,
        source_url,
        source_file,
        is_synthetic
    from results
)

select * from final
