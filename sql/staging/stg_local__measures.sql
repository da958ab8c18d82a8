-- grain: one row per municipality_name, year, measure
-- The municipality's own yearly figures (one column per measure); empty cells are missing, not zero.
with source as (
    select * from raw.local_measures
),

long as (
    unpivot source
    on columns(* exclude (kommun, ar, kalla_url, source_file, source_row))
    into name measure value value_text
),

final as (
    select
        trim(kommun) as municipality_name,
        try_cast(ar as integer) as year,
        measure,
        try_cast(nullif(trim(value_text), '') as bigint) as value,
        kalla_url as source_url,
        source_file,
        source_row
    from long
)

select * from final
