-- grain: one row per event_id
-- Published events placed in a district where their summary names one of the municipality's areas or
-- districts ("Personbil i olycka, Hyllie."); the longest name found wins ("Västra Hamnen" before "Hamnen").
with events as (
    select * from stg_polisen__events
    where event_at is not null
),

municipalities as (
    select * from stg_ref__municipalities
),

districts as (
    select * from stg_ref__districts
    where municipality_code is not null
),

places as (
    select municipality_code, area_name as place_name, district_name from districts
    union
    select municipality_code, district_name as place_name, district_name from districts
),

candidates as (
    -- A plain substring test first (cheap for every event and place), the word-boundary test after.
    select
        events.event_id,
        municipalities.municipality_code,
        events.event_type,
        events.event_at,
        events.summary,
        places.place_name,
        places.district_name
    from events
    inner join municipalities on lower(municipalities.municipality_name) = lower(events.municipality_name)
    inner join places
        on places.municipality_code = municipalities.municipality_code
        and contains(lower(events.summary), lower(places.place_name))
),

matched as (
    select
        event_id,
        municipality_code,
        event_type,
        event_at,
        district_name,
        row_number() over (partition by event_id order by length(place_name) desc) as rank_in_event
    from candidates
    where regexp_matches(summary, '(^|[^[:alpha:]])' || place_name || '($|[^[:alpha:]])', 'i')
),

final as (
    select event_id, municipality_code as region_code, event_type, event_at, district_name
    from matched
    where rank_in_event = 1
)

select * from final
