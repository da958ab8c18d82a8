-- grain: one row per kind, code
-- Boundaries for maps (reference/*.geojson): municipalities by SCB code, counties by county code, districts
-- by BRÅ's SOL region id; the geometry as GeoJSON text (WGS 84, simplified).
with source as (
    select * from raw.boundaries
),

final as (
    select
        kind,
        case when kind = 'lan' then lpad(code, 2, '0') else code end as code,
        name,
        county_code,
        geometry,
        source_file,
        source_row
    from source
)

select * from final
