-- grain: one row per region_code, crime_label, year, source_file
-- BRÅ's counts for a municipality's headline categories from a derived table (`kommun;period;key;count;
-- per100k;preliminary`): the key becomes BRÅ's label, so that these rows share one key with SOL's exports.
-- `drugs_weapons` is a sum of narkotikastrafflagen and vapenlagen made by the table's publisher; it gets a
-- label of its own and is never taken for either part. BRÅ's rate is kept (bra_rate_per_100k): the count
-- over it gives the population BRÅ used.
with source as (
    select * from raw.bra_kommun_categories
),

categories as (
    select * from (values
        ('total', 'Totalt antal brott', 5036),
        ('person', '3-7 kap. Brott mot person', 11086),
        ('theft', '8 kap. Stöld, rån m.m.', 11095),
        ('burglary', 'Bostadsinbrott', 11462),
        ('vandalism', '12 kap. Skadegörelsebrott', 11099),
        ('drugs_weapons', 'Narkotikastrafflagen och vapenlagen (summa)', null)
    ) as c (category_key, crime_label, bra_category_id)
),

final as (
    select
        trim(source.kommun) as region_code,
        source.key as category_key,
        categories.crime_label,
        categories.bra_category_id,
        try_cast(source.period as integer) as year,
        try_cast(trim(source.count) as bigint) as reported_count,
        case
            when trim(source.count) = '..' then 'missing'
            when try_cast(trim(source.count) as bigint) = 0 then 'zero'
            when try_cast(trim(source.count) as bigint) is not null then 'value'
            else 'invalid'
        end as count_status,
        source.count as count_text,
        try_cast(trim(source.per100k) as double) as bra_rate_per_100k,
        -- any mark in `preliminary` (none in the published file) but an explicit no marks the figure preliminary
        coalesce(nullif(lower(trim(source.preliminary)), '') not in ('false', '0', 'nej', 'no'), false)
            as is_preliminary,
        source.source_file,
        source.source_row
    from source
    left join categories on categories.category_key = trim(source.key)
)

select * from final
