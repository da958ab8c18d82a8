-- grain: one row per event_id
-- Polisen's published events. Until 2026 location.name held the municipality; since then only the county,
-- with the municipality kept as the last part of name ("22 augusti 00.30, Brand, Malmö").
with source as (
    select * from raw.polisen_events
),

parsed as (
    select
        id as event_id,
        try_strptime(regexp_extract(datetime, '^(\S+ \S+)', 1), '%Y-%m-%d %H:%M:%S') as published_at,
        regexp_extract(name, '^(\d+ \S+ [0-9.:]+)', 1) as name_time_text,
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

final as (
    select
        event_id,
        arg_max(published_at, source_row) as published_at,
        arg_max(event_type, source_row) as event_type,
        arg_max(municipality_name, source_row) as municipality_name,
        arg_max(location_name, source_row) as location_name,
        arg_max(summary, source_row) as summary,
        arg_max(url, source_row) as url,
        arg_max(source_file, source_row) as source_file,
        max(source_row) as source_row
    from parsed
    group by event_id
)

select * from final
