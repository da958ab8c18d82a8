-- grain: one row per region_code, event_type, year, weekday, hour
-- When published events happened, by weekday (1 = måndag) and hour: a selection for patterns, not statistics.
with events as (
    select * from stg_polisen__events
    where event_at is not null
),

municipalities as (
    select * from stg_ref__municipalities
),

final as (
    select
        municipalities.municipality_code as region_code,
        events.event_type,
        cast(year(events.event_at) as integer) as year,
        cast(isodow(events.event_at) as integer) as weekday,
        cast(hour(events.event_at) as integer) as hour,
        count(*) as event_count
    from events
    inner join municipalities on lower(municipalities.municipality_name) = lower(events.municipality_name)
    group by
        municipalities.municipality_code, events.event_type, year(events.event_at), isodow(events.event_at),
        hour(events.event_at)
)

select * from final
