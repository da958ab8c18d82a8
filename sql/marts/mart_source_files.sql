-- grain: one row per source_file
-- Every raw file behind the curated tables, with its origin and whether it is demo data.
with source_files as (
    select * from stg_meta__source_files
),

final as (
    select
        source_file,
        kind,
        is_synthetic,
        source,
        url,
        licence,
        extracted,
        sha256,
        description
    from source_files
)

select * from final
