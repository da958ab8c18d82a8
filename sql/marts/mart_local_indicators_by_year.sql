-- grain: one row per indicator_id, region_code, year
-- The municipality's own yearly figures mapped to catalogue indicators; missing cells stay null.
with measures as (
    select * from stg_local__measures
),

indicators as (
    select * from stg_catalogue__indicators
    where source = 'local'
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

final as (
    select
        indicators.indicator_id,
        indicators.area_id,
        municipalities.municipality_code as region_code,
        measures.year,
        measures.value,
        cell_status(measures.value, 1) as value_status,  -- an empty cell in the file is missing, not zero
        measures.source_url,
        measures.source_file,
        coalesce(source_files.is_synthetic, false) as is_synthetic
    from measures
    inner join components on components.component = measures.measure
    inner join indicators on indicators.indicator_id = components.indicator_id
    inner join municipalities on municipalities.municipality_name = measures.municipality_name
    left join source_files on source_files.source_file = measures.source_file
)

select * from final
