-- grain: one row per region_code, district_name, year
-- Published police events per district and year, with small numbers suppressed. Every district of the
-- municipality appears every year. count_status (flows/cells.py): `value`, `zero` (a true zero) or
-- `suppressed`: too few events, or hidden so that another hidden cell cannot be recovered from the year's
-- total; which of the two is not published. Suppressed cells carry no count. A selection of published
-- events, not statistics.
with cells as (
    select * from int_police_events_counted_by_district
),

final as (
    select
        region_code,
        district_name,
        year,
        case when is_primary or is_secondary then null else events end as event_count,
        case when is_secondary then 'suppressed' else cell_status(events, $min_cell_count) end as count_status,
        cast($min_cell_count as integer) as min_cell_count
    from cells
)

select * from final
