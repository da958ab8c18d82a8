-- grain: one row per municipality_label, year, source_file
-- BRÅ's yearly municipality CSV (totals only): `Ale;2537;7810` or, in 2021, `Ale kommun;2537;7810`.
-- A space (also a no-break space) may separate thousands; `-` is zero and `..` missing in BRÅ tables.
-- The year comes from the load log or the file name (set by the loader). Names are coded through the
-- municipality reference: SCB name (`Falun`) or BRÅ label (`Falu kommun`).
with source as (
    select * from raw.bra_kommun_totals
),

municipalities as (
    select * from raw.municipalities
),

parsed as (
    select
        trim(kommun) as municipality_label,
        try_cast(year as integer) as year,
        trim(antal) as count_text,
        trim(per_100k) as rate_text,
        source_file,
        source_row
    from source
),

typed as (
    select
        parsed.municipality_label,
        municipalities.municipality_code as region_code,
        parsed.year,
        case
            when parsed.count_text = '-' then 0
            when regexp_full_match(parsed.count_text, '[0-9][0-9 \x{00A0}\x{202F}]*')
                then cast(regexp_replace(parsed.count_text, '[^0-9]', '', 'g') as bigint)
        end as reported_count,
        case
            when parsed.count_text = '..' then 'missing'
            when parsed.count_text = '-' then 'zero'
            when regexp_full_match(parsed.count_text, '[0-9][0-9 \x{00A0}\x{202F}]*') then 'value'
            else 'invalid'
        end as count_status,
        case
            when regexp_full_match(parsed.rate_text, '[0-9][0-9 \x{00A0}\x{202F}]*')
                then cast(regexp_replace(parsed.rate_text, '[^0-9]', '', 'g') as integer)
        end as bra_rate_per_100k,
        parsed.count_text,
        parsed.source_file,
        parsed.source_row
    from parsed
    left join municipalities
        on parsed.municipality_label in (
            municipalities.municipality_name,
            municipalities.bra_region_label,
            municipalities.municipality_name || ' kommun'
        )
),

final as (
    select * from typed
)

select * from final
