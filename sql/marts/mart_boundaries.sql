-- grain: one row per kind, code
-- Boundaries for the report's maps: municipalities (SCB code, county), counties and districts (BRÅ's SOL
-- region id, with the municipality and district it is), geometry as GeoJSON text.
with boundaries as (
    select * from stg_ref__boundaries
),

districts as (
    select * from stg_ref__bra_districts
),

final as (
    select
        boundaries.kind,
        boundaries.code,
        coalesce(districts.district_name, boundaries.name) as name,
        case when boundaries.kind = 'district' then districts.municipality_code end as municipality_code,
        boundaries.county_code,
        boundaries.geometry
    from boundaries
    left join districts
        on boundaries.kind = 'district' and cast(districts.bra_region_id as varchar) = boundaries.code
)

select * from final
