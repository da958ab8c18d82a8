-- grain: one row per municipality_code, atgard_id, indicator_id
-- Each measure of a register with each indicator it is meant to move, and what kind of indicator that is
-- (a register or survey indicator can be followed up; published police events and the municipality's own
-- series are not tested).
with register as (
    select * from stg_measures__register
    where municipality_code is not null and atgard_id is not null
),

indicators as (
    select * from stg_catalogue__indicators
),

exploded as (
    select municipality_code, atgard_id, unnest(indicator_ids) as indicator_id, generate_subscripts(indicator_ids, 1)
        as position
    from register
),

final as (
    select
        exploded.municipality_code,
        exploded.atgard_id,
        exploded.indicator_id,
        exploded.position,
        indicators.source,
        indicators.source in ('bra', 'survey') as is_measurable
    from exploded
    inner join indicators on indicators.indicator_id = exploded.indicator_id
)

select * from final
