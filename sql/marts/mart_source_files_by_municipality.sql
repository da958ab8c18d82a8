-- grain: one row per municipality_code, source_file
-- The raw files behind one municipality's lägesbild (its page Källfiler). A file of a municipality's own
-- sources (trygghetsmätning, local figures, Kolada: the folders survey/, local/ and kolada/) is behind the
-- municipalities it has rows for; every other file (BRÅ, SCB, Polisen, the references) is behind every
-- municipality, since each report compares with riket, the county and the other municipalities. A changed
-- survey file therefore changes this table only for the municipalities in it.
with source_files as (
    select * from mart_source_files
),

municipalities as (
    select region_code as municipality_code from mart_regions where region_type = 'kommun'
),

own_rows as (
    select distinct municipality_code, source_file from mart_survey_indicators_by_area_year
    union
    select distinct region_code, source_file from mart_local_indicators_by_year
    union
    select distinct municipality_code, source_file from mart_kolada_values_by_municipality_year
),

final as (
    select
        municipalities.municipality_code,
        source_files.*
    from source_files
    cross join municipalities
    where split_part(source_files.source_file, '/', 1) not in ('survey', 'local', 'kolada')
       or exists (
           select 1 from own_rows
           where own_rows.municipality_code = municipalities.municipality_code
             and own_rows.source_file = source_files.source_file
       )
)

select * from final
