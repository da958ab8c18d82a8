-- grain: one row per indicator_id
-- The catalogue as published with the report: what each indicator is, where it belongs, what composes it.
with indicators as (
    select * from stg_catalogue__indicators
),

areas as (
    select * from stg_catalogue__areas
),

components as (
    select
        indicator_id,
        string_agg(component, ' + ' order by source_row) filter (where variant = 1) as components,
        string_agg(component, ' + ' order by source_row) filter (where variant > 1) as alternative_components
    from stg_catalogue__indicator_components
    group by indicator_id
),

final as (
    select
        indicators.indicator_id,
        indicators.catalogue_version,
        indicators.area_id,
        areas.area_number,
        areas.title_sv as area_title_sv,
        indicators.title_sv,
        indicators.source,
        indicators.unit,
        indicators.is_enforcement_driven,
        indicators.direction,
        indicators.denominator,
        indicators.is_headline,
        indicators.definition_sv,
        components.components,
        components.alternative_components
    from indicators
    left join areas on areas.area_id = indicators.area_id
    left join components on components.indicator_id = indicators.indicator_id
)

select * from final
