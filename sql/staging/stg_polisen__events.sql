-- grain: one row per event_id
-- Polisen's published events. Until 2026 location.name held the municipality; since then only the county,
-- with the municipality kept as the last part of name ("22 augusti 00.30, Brand, Malmö").
-- The time the event happened is in name ("22 mars 16:31"); published_at is when it was put online.
with source as (
    select * from raw.polisen_events
),

parsed as (
    select
        id as event_id,
        try_strptime(regexp_extract(datetime, '^(\S+ \S+)', 1), '%Y-%m-%d %H:%M:%S') as published_at,
        try_cast(regexp_extract(name, '^(\d{1,2}) ', 1) as integer) as event_day,
        list_position(
            ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober',
             'november', 'december'],
            lower(regexp_extract(name, '^\d{1,2} (\S+) ', 1))
        ) as event_month,
        try_cast(regexp_extract(name, '^\d{1,2} \S+ (\d{1,2})[.:]\d{2}', 1) as integer) as event_hour,
        try_cast(regexp_extract(name, '^\d{1,2} \S+ \d{1,2}[.:](\d{2})', 1) as integer) as event_minute,
        trim(type) as event_type,
        case
            when location_name like '% län' then trim(regexp_extract(name, ',\s*([^,]+)$', 1))
            else trim(location_name)
        end as municipality_name,
        location_name,
        summary,
        url,
        source_file,
        source_row
    from source
),

timed as (
    select
        *,
        -- An event in December published in January belongs to the year before.
        try_cast(make_timestamp(
            cast(year(published_at) - case when event_month > month(published_at) then 1 else 0 end as bigint),
            event_month, event_day, event_hour, event_minute, 0
        ) as timestamp) as event_at
    from parsed
),

final as (
    select
        event_id,
        arg_max(published_at, source_row) as published_at,
        arg_max(event_at, source_row) as event_at,
        arg_max(event_type, source_row) as event_type,
        arg_max(municipality_name, source_row) as municipality_name,
        arg_max(location_name, source_row) as location_name,
        arg_max(summary, source_row) as summary,
        arg_max(url, source_row) as url,
        arg_max(source_file, source_row) as source_file,
        max(source_row) as source_row
    from timed
    group by event_id
)

select * from final
