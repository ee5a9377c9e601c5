-- Every FHIR resource: the current version in `resource` (what reads and searches use), every version in
-- `resource_history`, patient-compartment membership, and one index table per search parameter type, filled on
-- write for the current version. Search predicates, including SMART compartment restrictions, are SQL over these.

-- Allocated 50 at a time by Hibernate's pooled optimizer, so bulk inserts are batched.
CREATE SEQUENCE resource_pk_seq INCREMENT BY 50;

CREATE TABLE resource (
    pk           bigint PRIMARY KEY,
    res_type     varchar(64)  NOT NULL,
    res_id       varchar(64)  NOT NULL,
    version      bigint       NOT NULL,
    last_updated timestamptz  NOT NULL,
    deleted      boolean      NOT NULL DEFAULT false,
    json         text,
    CONSTRAINT resource_type_id UNIQUE (res_type, res_id)
);
CREATE INDEX resource_type_updated ON resource (res_type, last_updated, pk);

CREATE TABLE resource_history (
    res_pk       bigint       NOT NULL REFERENCES resource (pk),
    version      bigint       NOT NULL,
    last_updated timestamptz  NOT NULL,
    deleted      boolean      NOT NULL,
    method       varchar(8)   NOT NULL,
    json         text,
    PRIMARY KEY (res_pk, version)
);
CREATE INDEX resource_history_updated ON resource_history (last_updated);

-- Which patients' compartments a resource belongs to (a Patient belongs to its own).
CREATE TABLE resource_compartment (
    res_pk     bigint      NOT NULL REFERENCES resource (pk),
    patient_id varchar(64) NOT NULL,
    PRIMARY KEY (patient_id, res_pk)
);
CREATE INDEX resource_compartment_res ON resource_compartment (res_pk);

CREATE TABLE sp_string (
    res_pk      bigint       NOT NULL REFERENCES resource (pk),
    res_type    varchar(64)  NOT NULL,
    name        varchar(100) NOT NULL,
    value_norm  varchar(256) NOT NULL,
    value_exact varchar(256) NOT NULL
);
CREATE INDEX sp_string_lookup ON sp_string (res_type, name, value_norm varchar_pattern_ops, res_pk);
CREATE INDEX sp_string_res ON sp_string (res_pk);

CREATE TABLE sp_token (
    res_pk   bigint       NOT NULL REFERENCES resource (pk),
    res_type varchar(64)  NOT NULL,
    name     varchar(100) NOT NULL,
    system   varchar(256),
    code     varchar(256),
    text     varchar(256)
);
CREATE INDEX sp_token_lookup ON sp_token (res_type, name, code, system, res_pk);
CREATE INDEX sp_token_res ON sp_token (res_pk);

CREATE TABLE sp_date (
    res_pk   bigint       NOT NULL REFERENCES resource (pk),
    res_type varchar(64)  NOT NULL,
    name     varchar(100) NOT NULL,
    low      timestamptz  NOT NULL,
    high     timestamptz  NOT NULL
);
CREATE INDEX sp_date_lookup ON sp_date (res_type, name, low, high, res_pk);
CREATE INDEX sp_date_res ON sp_date (res_pk);

CREATE TABLE sp_reference (
    res_pk      bigint       NOT NULL REFERENCES resource (pk),
    res_type    varchar(64)  NOT NULL,
    name        varchar(100) NOT NULL,
    target_type varchar(64),
    target_id   varchar(512) NOT NULL
);
CREATE INDEX sp_reference_lookup ON sp_reference (res_type, name, target_id, target_type, res_pk);
CREATE INDEX sp_reference_res ON sp_reference (res_pk);

CREATE TABLE sp_quantity (
    res_pk   bigint       NOT NULL REFERENCES resource (pk),
    res_type varchar(64)  NOT NULL,
    name     varchar(100) NOT NULL,
    value    numeric      NOT NULL,
    system   varchar(256),
    code     varchar(256)
);
CREATE INDEX sp_quantity_lookup ON sp_quantity (res_type, name, value, res_pk);
CREATE INDEX sp_quantity_res ON sp_quantity (res_pk);

CREATE TABLE sp_number (
    res_pk   bigint       NOT NULL REFERENCES resource (pk),
    res_type varchar(64)  NOT NULL,
    name     varchar(100) NOT NULL,
    value    numeric      NOT NULL
);
CREATE INDEX sp_number_lookup ON sp_number (res_type, name, value, res_pk);
CREATE INDEX sp_number_res ON sp_number (res_pk);

CREATE TABLE sp_uri (
    res_pk   bigint        NOT NULL REFERENCES resource (pk),
    res_type varchar(64)   NOT NULL,
    name     varchar(100)  NOT NULL,
    value    varchar(1024) NOT NULL
);
CREATE INDEX sp_uri_lookup ON sp_uri (res_type, name, value, res_pk);
CREATE INDEX sp_uri_res ON sp_uri (res_pk);
