-- grain: one row per area_name, item, year, source_file
-- Trygghetsmätning result tables: Swedish decimals, percentages or indices 0–6, respondents where given.
with source as (
    select * from raw.survey_results
),

final as (
    select
        trim(coalesce(omrade, kommun)) as area_name,
        coalesce(
            trim(omradestyp),
            case
                when kommun like 'Polisregion %' then 'polisregion'
                when kommun like 'Lokalpolisområde %' then 'lokalpolisomrade'
                else 'kommun'
            end
        ) as area_type,
        try_cast(ar as integer) as year,
        trim(indikator) as item,
        trim(enhet) as unit,
        try_cast(replace(replace(trim(varde), ' ', ''), ',', '.') as double) as value,
        varde as value_text,
        try_cast(replace(antal_svarande, ' ', '') as integer) as respondents,
        kalla_url as source_url,
        anmarkning as note,
        source_file,
        source_row
    from source
)

select * from final
