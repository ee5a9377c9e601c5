-- Bulk Data $export jobs (org.smartguard.fhir.export). A job's state lives here, not in memory, so jobs survive a
-- restart and any replica can answer a status poll; the NDJSON files live in the export directory.

CREATE TABLE export_job (
    id               uuid          PRIMARY KEY,
    -- accepted (queued), in-progress, completed, failed, cancelled
    state            varchar(16)   NOT NULL,
    -- the kick-off URL as received (the manifest's "request") and its parameters as JSON (ExportRequest)
    request          text          NOT NULL,
    parameters       text          NOT NULL,
    -- who started it: the token's client, subject, fhirUser, jti, its scopes usable for exports, and the gateway's
    -- patient hint; the worker acts with exactly these, never with more
    client_id        varchar(256)  NOT NULL,
    subject          varchar(256)  NOT NULL,
    fhir_user        varchar(256),
    token_jti        varchar(256),
    scope            text          NOT NULL,
    patient_hint     varchar(64),
    -- the replica running it and when it last said so: a job whose heartbeat is older than the lease is taken over
    worker           varchar(64),
    heartbeat        timestamptz,
    attempts         int           NOT NULL DEFAULT 0,
    -- progress, for X-Progress
    types_done       int           NOT NULL DEFAULT 0,
    types_total      int           NOT NULL DEFAULT 0,
    resources        bigint        NOT NULL DEFAULT 0,
    transaction_time timestamptz,
    created          timestamptz   NOT NULL,
    completed        timestamptz,
    expires          timestamptz,
    error            text
);
CREATE INDEX export_job_runnable ON export_job (state, created);
CREATE INDEX export_job_client ON export_job (client_id, state);

-- One NDJSON file of a job: output (resources of one type) or error (OperationOutcomes).
CREATE TABLE export_file (
    job_id    uuid         NOT NULL REFERENCES export_job (id) ON DELETE CASCADE,
    name      varchar(128) NOT NULL,
    kind      varchar(8)   NOT NULL,
    res_type  varchar(64)  NOT NULL,
    resources bigint       NOT NULL,
    -- the patients whose compartments the file's resources belong to (comma-separated), one audit event each on download
    patients  text         NOT NULL,
    PRIMARY KEY (job_id, name)
);
