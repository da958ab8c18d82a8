-- grain: one row per source_file
-- The load log (data/raw/LOADLOG.csv): each file `lagesbild ingest` or `fetch` took in, when, from what
-- original name, its format, rows and period covered. Files never ingested (bundled ones) are not here.
with source as (
    select * from raw.load_log
),

final as (
    select
        path as source_file,
        try_cast(loaded_at as timestamptz) as loaded_at,
        sha256,
        source,
        format,
        original_name,
        try_cast(rows as bigint) as row_count,
        nullif(period_from, '') as period_from,
        nullif(period_to, '') as period_to
    from source
)

select * from final
