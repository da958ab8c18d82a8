-- grain: one row per region_code, district_name, year
-- Published police events per district and year, every district of the municipality every year, with the
-- suppression decided: is_primary (1 to $min_cell_count - 1 events) and is_secondary (hidden a second
-- time, so that a lone primary cell cannot be recovered from the year's total). Private: the published
-- mart shows only a cell's status, never which rule hid it.
with located as (
    select * from int_police_events_located
),

districts as (
    select distinct municipality_code as region_code, district_name
    from stg_ref__districts
    where municipality_code is not null
),

years as (
    select distinct region_code, cast(year(event_at) as integer) as year from located
),

grid as (
    select districts.region_code, districts.district_name, years.year
    from districts
    inner join years on years.region_code = districts.region_code
),

counts as (
    select
        grid.region_code,
        grid.district_name,
        grid.year,
        count(located.event_id) as events
    from grid
    left join located
        on located.region_code = grid.region_code
        and located.district_name = grid.district_name
        and year(located.event_at) = grid.year
    group by grid.region_code, grid.district_name, grid.year
),

primary_suppressed as (
    select *, cell_status(events, $min_cell_count) = 'suppressed' as is_primary
    from counts
),

ranked as (
    select
        *,
        count(*) filter (where is_primary) over (partition by region_code, year) as n_primary,
        row_number() over (
            partition by region_code, year, is_primary order by events = 0, events, district_name
        ) as rank_in_group
    from primary_suppressed
),

secondary as (
    -- A year with exactly one suppressed cell gives it away through the total: hide the smallest other
    -- cell too, a non-zero one where there is one.
    select *, n_primary = 1 and not is_primary and rank_in_group = 1 as is_secondary_candidate
    from ranked
),

final as (
    select
        region_code,
        district_name,
        year,
        events,
        is_primary,
        is_secondary_candidate as is_secondary
    from secondary
)

select * from final
