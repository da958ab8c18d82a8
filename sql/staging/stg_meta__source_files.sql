-- grain: one row per source_file
-- The raw-data manifest: what each raw file is, where it comes from, and whether it is synthetic.
with source as (
    select * from raw.source_files
),

final as (
    select
        path as source_file,
        kind,
        kind = 'synthetic' as is_synthetic,
        source,
        url,
        licence,
        nullif(extracted, '') as extracted,
        sha256,
        description
    from source
)

select * from final
