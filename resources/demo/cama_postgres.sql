-- CAMA target schema of the TerraFusion demo (PostgreSQL). The sync writes every table by
-- source_id (the PACS key through uuid_from), never by the surrogate id, which belongs to
-- the CAMA side. Children reference cama_property by its source_id, so a child can be
-- written without a lookup; ON DELETE CASCADE lets a property deleted at the source take
-- its children with it (their own pairs then find nothing left to delete).

CREATE TABLE cama_property (
    id                    BIGSERIAL PRIMARY KEY,
    source_id             UUID NOT NULL UNIQUE,
    parcel_number         VARCHAR(32) NOT NULL,
    address               VARCHAR(120),
    city                  VARCHAR(60),
    state                 CHAR(2),
    zip_code              VARCHAR(10),
    legal_description     TEXT,
    acreage               NUMERIC(12,4),
    year_built            INTEGER,
    is_active             BOOLEAN NOT NULL DEFAULT TRUE,
    source_last_modified  TIMESTAMP
);
CREATE INDEX cama_property_parcel_number_idx ON cama_property (parcel_number);

CREATE TABLE cama_owner (
    id                    BIGSERIAL PRIMARY KEY,
    source_id             UUID NOT NULL UNIQUE,
    property_source_id    UUID NOT NULL REFERENCES cama_property (source_id) ON DELETE CASCADE,
    owner_name            VARCHAR(200) NOT NULL,
    owner_type            VARCHAR(20),
    ownership_percentage  NUMERIC(5,2),
    start_date            DATE,
    end_date              DATE,
    source_last_modified  TIMESTAMP
);
CREATE INDEX cama_owner_property_idx ON cama_owner (property_source_id);

CREATE TABLE cama_value (
    id                    BIGSERIAL PRIMARY KEY,
    source_id             UUID NOT NULL UNIQUE,
    property_source_id    UUID NOT NULL REFERENCES cama_property (source_id) ON DELETE CASCADE,
    tax_year              INTEGER NOT NULL,
    assessed_value        NUMERIC(14,2),
    market_value          NUMERIC(14,2),
    land_value            NUMERIC(14,2),
    improvement_value     NUMERIC(14,2),
    source_last_modified  TIMESTAMP
);
CREATE INDEX cama_value_property_idx ON cama_value (property_source_id, tax_year);

CREATE TABLE cama_structure (
    id                    BIGSERIAL PRIMARY KEY,
    source_id             UUID NOT NULL UNIQUE,
    property_source_id    UUID NOT NULL REFERENCES cama_property (source_id) ON DELETE CASCADE,
    structure_type        VARCHAR(40),
    square_footage        INTEGER,
    condition             VARCHAR(20),
    year_built            INTEGER,
    bedrooms              INTEGER,
    bathrooms             NUMERIC(4,2),
    source_last_modified  TIMESTAMP
);
CREATE INDEX cama_structure_property_idx ON cama_structure (property_source_id);
