-- grain: one row per region_code, event_type, year, month
-- Events Polisen chose to publish: a selection for patterns over time, not crime statistics.
-- Counted by when the event happened (from its name), or when it was published where that time is missing.
with events as (
    select * replace (coalesce(event_at, published_at) as published_at) from stg_polisen__events
),

municipalities as (
    select * from stg_ref__municipalities
),

final as (
    select
        municipalities.municipality_code as region_code,
        events.event_type,
        cast(year(events.published_at) as integer) as year,
        cast(month(events.published_at) as integer) as month,
        count(*) as event_count,
        min(events.published_at) as first_published_at,
        max(events.published_at) as last_published_at
    from events
    inner join municipalities on lower(municipalities.municipality_name) = lower(events.municipality_name)
    group by municipalities.municipality_code, events.event_type, year(events.published_at), month(events.published_at)
)

select * from final
