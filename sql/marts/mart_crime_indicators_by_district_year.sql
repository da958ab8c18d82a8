-- grain: one row per indicator_id, municipality_code, district_name, year
-- Anmälda brott per register indicator in the big cities' districts (stadsområden, as BRÅ's SOL reports
-- them), small cells suppressed as in every sub-municipal output (count_status `suppressed`: no count; which
-- rule hid it is not published). Districts do not sum to the city total (about 90–98 %). No district
-- population is bundled, so there is no rate.
with cells as (
    select * from int_district_indicators_suppressed
),

final as (
    select
        indicator_id,
        municipality_code,
        district_name,
        year,
        case when is_primary or is_secondary then null else reported_count end as reported_count,
        case when is_secondary then 'suppressed' else cell_status(reported_count, $min_cell_count) end
            as count_status,
        is_preliminary,
        cast($min_cell_count as integer) as min_cell_count
    from cells
)

select * from final
