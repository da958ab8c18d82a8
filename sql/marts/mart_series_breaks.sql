-- grain: one row per indicator_id, year
-- The series-break register: the year an indicator's series changes meaning (new codes, ended categories,
-- method changes), drawn in its chart and named in its table and alt text.
with breaks as (
    select * from stg_catalogue__series_breaks
),

final as (
    select
        indicator_id,
        year,
        description_sv
    from breaks
)

select * from final
