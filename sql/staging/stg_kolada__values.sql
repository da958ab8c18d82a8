-- grain: one row per kpi, municipality_code, year, gender, source_file
-- Kolada (RKA) key figures: rates, not counts. Gender T (total), K (women), M (men); value null where
-- Kolada publishes none, with its status (e.g. `Missing`) kept.
with source as (
    select * from raw.kolada_values
),

final as (
    select
        trim(kpi) as kpi,
        trim(municipality) as municipality_code,
        try_cast(period as integer) as year,
        upper(trim(gender)) as gender,
        try_cast(value as double) as value,
        nullif(trim(status), '') as status,
        try_cast(count as bigint) as value_count,
        source_file,
        source_row
    from source
)

select * from final
