-- grain: one row per region_code, district_name, year
-- Published police events per district and year, with small numbers suppressed. Every district of the
-- municipality appears every year. count_status (flows/cells.py): `value`, `zero` (a true zero),
-- `suppressed` (1 to $min_cell_count - 1 events by cell_status, or suppressed a second time so that it
-- cannot be recovered from the year's total). Suppressed cells carry no count. A selection of published
-- events, not statistics.
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
        case when is_primary or is_secondary_candidate then null else events end as event_count,
        case
            when is_secondary_candidate then 'suppressed'
            else cell_status(events, $min_cell_count)
        end as count_status,
        is_secondary_candidate as is_secondary_suppression,
        cast($min_cell_count as integer) as min_cell_count
    from secondary
)

select * from final
