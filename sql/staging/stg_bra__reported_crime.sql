-- grain: one row per region_label, crime_label, year, month (month null for yearly figures)
-- BRÅ SOL Databasfil.txt rows. Yearly exports hold the word `År` in column År and the year in Period;
-- monthly exports hold the year in År and the month in Period. `..` = no value, `-` = zero.
-- SOL echoes a category under two menu nodes as an exact duplicate row: those collapse here. The monthly
-- menu prefixes labels with the brottskod (`0950 - Befogenhetsbedrägeri`): the code goes to crime_code and
-- the label is kept without it, so that yearly and monthly rows of a category share one key. A category
-- that has ended keeps its rows; its end year is read from the label (`… (t.o.m. 2022)`).
with source as (
    select * from raw.bra_sol
),

parsed as (
    select
        trim(region) as region_label,
        regexp_replace(trim(brott), '^\d{4}[A-Za-z]? - ', '') as crime_label,
        nullif(regexp_extract(trim(brott), '^(\d{4}[A-Za-z]?) - ', 1), '') as crime_code,
        try_cast(nullif(regexp_extract(brott, 't\.o\.m\.\s*(\d{4})', 1), '') as integer) as category_end_year,
        case when trim(ar) = 'År' then 'year' else 'month' end as period_type,
        case when trim(ar) = 'År' then trim(period) else trim(ar) end as year_text,
        case when trim(ar) = 'År' then null else trim(period) end as month_text,
        trim(antal) as count_text,
        trim(per_100k) as rate_text,
        source_file,
        source_row
    from source
),

typed as (
    select
        region_label,
        crime_label,
        crime_code,
        category_end_year,
        period_type,
        try_cast(regexp_extract(year_text, '^(\d{4})', 1) as integer) as year,
        case month_text
            when 'Jan' then 1 when 'Feb' then 2 when 'Mar' then 3 when 'Apr' then 4
            when 'Maj' then 5 when 'Jun' then 6 when 'Jul' then 7 when 'Aug' then 8
            when 'Sep' then 9 when 'Okt' then 10 when 'Nov' then 11 when 'Dec' then 12
        end as month,
        year_text like '%prel.%' as is_preliminary,
        case
            when count_text = '..' then null
            when count_text = '-' then 0
            else try_cast(replace(count_text, ' ', '') as bigint)
        end as reported_count,
        case
            when count_text = '..' then 'not_applicable'
            when count_text = '-' then 'zero'
            when try_cast(replace(count_text, ' ', '') as bigint) is null then 'invalid'
            else 'value'
        end as count_status,
        count_text,
        case
            when rate_text in ('..', '-') then null
            else try_cast(replace(rate_text, ' ', '') as integer)
        end as bra_rate_per_100k,
        year_text,
        source_file,
        source_row
    from parsed
),

final as (
    select
        region_label,
        crime_label,
        crime_code,
        category_end_year,
        period_type,
        year,
        month,
        is_preliminary,
        reported_count,
        count_status,
        count_text,
        bra_rate_per_100k,
        year_text,
        source_file,
        min(source_row) as source_row,
        count(*) as echo_count
    from typed
    group by
        region_label, crime_label, crime_code, category_end_year, period_type, year, month, is_preliminary, reported_count, count_status,
        count_text, bra_rate_per_100k, year_text, source_file
)

select * from final
