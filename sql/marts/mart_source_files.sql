-- grain: one row per source_file
-- Every raw file behind the curated tables: its origin, whether it is demo data, and, for files taken in by
-- `lagesbild ingest` or `fetch`, the load log's format, original name, rows, period covered and load time.
with source_files as (
    select * from stg_meta__source_files
),

load_log as (
    select * from stg_meta__load_log
),

final as (
    select
        source_files.source_file,
        source_files.kind,
        source_files.is_synthetic,
        source_files.source,
        source_files.url,
        source_files.licence,
        source_files.extracted,
        source_files.sha256,
        source_files.description,
        load_log.format,
        load_log.original_name,
        load_log.row_count,
        load_log.period_from,
        load_log.period_to,
        load_log.loaded_at
    from source_files
    left join load_log on load_log.source_file = source_files.source_file
)

select * from final
