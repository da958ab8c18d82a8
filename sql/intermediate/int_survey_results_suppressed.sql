-- grain: one row per indicator_id, area_name, year
-- Trygghetsmätning results mapped to catalogue indicators and placed in their municipality (stadsdel and
-- delområde through the district reference), with the suppression of parts decided. A part is hidden when
-- it has fewer than $min_respondents respondents or no respondent count at all (is_primary), or, where
-- exactly one part of the same whole (a municipality's stadsdelar, a stadsdel's delområden) is hidden, the
-- smallest other part of it too (is_secondary): otherwise the whole's figure would give the hidden one away.
-- Private: the published mart shows only that a part is suppressed.
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
    select distinct municipality_code, district_name as name, 'stadsdel' as area_type, municipality_code as parent
    from stg_ref__districts
    union
    select distinct municipality_code, area_name as name, 'delomrade' as area_type, district_name as parent
    from stg_ref__districts
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
        districts.parent,
        results.area_type in ('stadsdel', 'delomrade')
            and coalesce(results.respondents, 0) < $min_respondents as is_primary,
        results.year,
        results.unit,
        results.value,
        results.respondents,
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

ranked as (
    select
        *,
        count(*) filter (where is_primary) over whole as n_primary,
        row_number() over (
            partition by indicator_id, year, area_type, parent, is_primary
            order by respondents, area_name
        ) as rank_in_group
    from joined
    window whole as (partition by indicator_id, year, area_type, parent)
),

final as (
    select
        indicator_id,
        area_id,
        area_name,
        area_type,
        region_code,
        municipality_code,
        parent,
        year,
        unit,
        value,
        respondents,
        is_primary,
        parent is not null and n_primary = 1 and not is_primary and rank_in_group = 1 as is_secondary,
        note,
        source_url,
        source_file,
        is_synthetic
    from ranked
)

select * from final
