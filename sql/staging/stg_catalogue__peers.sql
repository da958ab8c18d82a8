-- grain: one row per municipality_code, peer_code
with source as (
    select * from raw.catalogue_peers
),

final as (
    select
        municipality_code,
        peer_code,
        source_file,
        source_row
    from source
)

select * from final
