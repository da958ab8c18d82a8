-- grain: one row per kpi, municipality_code, year, gender
-- Kolada key figures per municipality and year, for comparison with the lägesbild's own rates (Kolada's
-- crime KPIs are BRÅ figures per 100 000 inhabitants). Where two answers give the same figure, the one
-- loaded last wins (a later fetch may hold revised values).
with kolada as (
    select * from stg_kolada__values
    where kpi is not null and municipality_code is not null and year is not null
),

load_log as (
    select * from stg_meta__load_log
),

regions as (
    select * from int_regions
),

ranked as (
    select
        kolada.*,
        load_log.loaded_at,
        row_number() over (
            partition by kolada.kpi, kolada.municipality_code, kolada.year, kolada.gender
            order by load_log.loaded_at desc nulls last, kolada.source_file desc
        ) as rank_in_cell
    from kolada
    left join load_log on load_log.source_file = kolada.source_file
),

final as (
    select
        ranked.kpi,
        ranked.municipality_code,
        regions.region_name as municipality_name,
        ranked.year,
        ranked.gender,
        ranked.value,
        ranked.status,
        ranked.value_count,
        ranked.source_file
    from ranked
    left join regions on regions.region_code = ranked.municipality_code
    where ranked.rank_in_cell = 1
)

select * from final
