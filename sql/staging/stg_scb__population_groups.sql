-- grain: one row per region_code, year, age, sex, marital_status, source_file
-- SCB folkmängd 31 December split by age (Alder: `0` … `99`, `100+`), sex (Kon: 1 män, 2 kvinnor) or marital
-- status, from PxWebApi JSON-stat2 answers: the parts the subgroup denominators are summed from. A variable
-- the answer does not split by is null.
with source as (
    select * from raw.scb_population_jsonstat
    where coalesce(contents_code, 'BE0101N1') = 'BE0101N1'
        and (age is not null or sex is not null or marital_status is not null)
),

final as (
    select
        region_code,
        try_cast(year as integer) as year,
        try_cast(replace(age, '+', '') as integer) as age,
        age as age_code,
        sex,
        marital_status,
        try_cast(value as bigint) as population,
        coalesce(value, '..') as population_text,
        source_file,
        source_row
    from source
)

select * from final
