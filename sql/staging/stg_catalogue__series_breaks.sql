-- grain: one row per indicator_id, year
-- The series-break register: where a series changes meaning (new codes, ended categories, method changes).
with source as (
    select * from raw.catalogue_series_breaks
),

final as (
    select
        trim(indicator_id) as indicator_id,
        try_cast(year as integer) as year,
        description_sv,
        source_file,
        source_row
    from source
)

select * from final
