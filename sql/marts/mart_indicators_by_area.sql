-- grain: one row per area_id, indicator_id
-- Which indicators each priority area shows: its own (is_home_area), and those of other areas or of the
-- overview that it refers to (data/catalogue/indicator_areas.csv). A shared indicator is one indicator,
-- with one set of figures and tests, shown in both places.
with indicators as (
    select * from stg_catalogue__indicators
),

shared as (
    select * from stg_catalogue__indicator_areas
),

home as (
    select area_id, indicator_id, true as is_home_area, cast(null as varchar) as note_sv
    from indicators
    where area_id is not null
),

referenced as (
    select shared.area_id, shared.indicator_id, false as is_home_area, shared.note_sv
    from shared
    inner join indicators on indicators.indicator_id = shared.indicator_id
),

final as (
    select * from home
    union all
    select * from referenced
)

select * from final
