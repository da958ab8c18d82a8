-- grain: one row per region_code, year, source_file
-- SCB folkmängd 31 December from two export shapes: the long `Kommun,År,Befolkning` file (names only,
-- coded through the municipality reference), PxWeb CSV exports (`"1280 Malmö"`, one column per year) and
-- PxWebApi JSON-stat2 answers (BE0101N1 Folkmängd; one row per region and year after flattening).
with long_source as (
    select * from raw.scb_population_long
),

pxweb_source as (
    unpivot raw.scb_population_pxweb
    on columns(* exclude (region, source_file, source_row))
    into name year_text value population_text
),

jsonstat_source as (
    select * from raw.scb_population_jsonstat
),

municipalities as (
    select * from raw.municipalities
),

from_long as (
    select
        municipalities.municipality_code as region_code,
        long_source."Kommun" as region_name,
        try_cast(long_source."År" as integer) as year,
        try_cast(long_source."Befolkning" as bigint) as population,
        long_source."Befolkning" as population_text,
        long_source.source_file,
        long_source.source_row
    from long_source
    left join municipalities on municipalities.municipality_name = long_source."Kommun"
),

from_pxweb as (
    select
        regexp_extract(region, '^(\d+) ', 1) as region_code,
        regexp_extract(region, '^\d+ (.*)$', 1) as region_name,
        try_cast(year_text as integer) as year,
        case when population_text = '..' then null else try_cast(population_text as bigint) end as population,
        population_text,
        source_file,
        source_row
    from pxweb_source
),

from_jsonstat as (
    select
        region_code,
        region_label as region_name,
        try_cast(year as integer) as year,
        try_cast(value as bigint) as population,
        coalesce(value, '..') as population_text,
        source_file,
        source_row
    from jsonstat_source
    where coalesce(contents_code, 'BE0101N1') = 'BE0101N1'
        and age is null and sex is null and marital_status is null  -- parts: stg_scb__population_groups
),

final as (
    select * from from_long
    union all
    select * from from_pxweb
    union all
    select * from from_jsonstat
)

select * from final
