-- The GIS demo's part of the CAMA schema (PostgreSQL), beside the PACS tables: the parcel
-- layer as synced from the demo OGC API Features collection, and the parcels that exist on
-- one side only (docs/demo-gis.md).

CREATE TABLE gis_parcels (
    id                    BIGSERIAL PRIMARY KEY,
    source_id             BIGINT NOT NULL UNIQUE,
    parcel_number         VARCHAR(32) NOT NULL,
    area_acres            DOUBLE PRECISION,
    centroid_x            DOUBLE PRECISION,
    centroid_y            DOUBLE PRECISION,
    geometry_wkt          TEXT
);

CREATE INDEX gis_parcels_parcel_number_idx ON gis_parcels (parcel_number);

-- A parcel in the GIS layer with no CAMA property of that number, or the other way round.
-- only_in: 'GIS' or 'PACS' (cama_property is what the PACS pairs wrote).
CREATE VIEW parcel_gis_mismatch AS
    SELECT g.parcel_number, 'GIS' AS only_in, g.area_acres
    FROM gis_parcels g
    WHERE NOT EXISTS (SELECT 1 FROM cama_property p WHERE p.parcel_number = g.parcel_number)
    UNION ALL
    SELECT p.parcel_number, 'PACS' AS only_in, CAST(p.acreage AS DOUBLE PRECISION)
    FROM cama_property p
    WHERE NOT EXISTS (SELECT 1 FROM gis_parcels g WHERE g.parcel_number = p.parcel_number);
