-- The audit store as the service created it before its schema became Flyway's: every statement is idempotent, so on
-- a database that already holds it (baselined at version 0) this migration changes nothing. The owner (the default
-- datasource) runs it; the writer role's grants follow at every start (AuditSchema), for whichever role is configured.

CREATE SCHEMA IF NOT EXISTS audit_log;

-- Partitioned by month on stored_at (the time this service stored the row, monotonic along each chain), so
-- retention drops a prefix of every chain; partitions are created ahead and dropped by PartitionMaintenance.
CREATE TABLE IF NOT EXISTS audit_log.events (
    event_id         uuid         NOT NULL,
    topic            varchar(249) NOT NULL,
    source_partition integer      NOT NULL,
    source_offset    bigint       NOT NULL,
    chain_position   bigint       NOT NULL,
    recorded         timestamptz  NOT NULL,
    stored_at        timestamptz  NOT NULL,
    payload          text         NOT NULL, -- the JSON as received: the hash covers these exact characters
    prev_hash        char(64)     NOT NULL,
    hash             char(64)     NOT NULL
) PARTITION BY RANGE (stored_at);
CREATE INDEX IF NOT EXISTS events_chain ON audit_log.events (topic, source_partition, chain_position);
CREATE INDEX IF NOT EXISTS events_event_id ON audit_log.events (event_id);
-- the query API: searches and exports in recorded order, keyset pages on (recorded, event_id)
CREATE INDEX IF NOT EXISTS events_recorded_event ON audit_log.events (recorded, event_id);

-- the idempotency guard: one row per event id ever stored, whatever partition it arrived on
CREATE TABLE IF NOT EXISTS audit_log.event_ids (
    event_id  uuid PRIMARY KEY,
    stored_at timestamptz NOT NULL
);

-- the last link of each chain; appenders lock it, so two consumers of one partition (a rebalance) never fork it
CREATE TABLE IF NOT EXISTS audit_log.chain_heads (
    topic            varchar(249) NOT NULL,
    source_partition integer      NOT NULL,
    chain_position   bigint       NOT NULL,
    hash             char(64)     NOT NULL,
    stored_at        timestamptz  NOT NULL,
    PRIMARY KEY (topic, source_partition)
);

-- the last link removed by retention: where verification of a shortened chain starts
CREATE TABLE IF NOT EXISTS audit_log.chain_anchors (
    topic            varchar(249) NOT NULL,
    source_partition integer      NOT NULL,
    chain_position   bigint       NOT NULL,
    hash             char(64)     NOT NULL,
    PRIMARY KEY (topic, source_partition)
);

-- alerts of the anomaly rules: stored once by alert id; only their status may change, nothing else
CREATE TABLE IF NOT EXISTS audit_log.security_alert (
    alert_id        uuid PRIMARY KEY,
    rule            varchar(64) NOT NULL,
    severity        varchar(16) NOT NULL,
    subject         text        NOT NULL,
    window_start    timestamptz NOT NULL,
    window_end      timestamptz NOT NULL,
    event_count     bigint      NOT NULL,
    threshold       bigint      NOT NULL,
    evidence        text[]      NOT NULL,
    status          varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
    raised_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by text
);
CREATE INDEX IF NOT EXISTS security_alert_listing ON audit_log.security_alert (status, rule, severity, raised_at);
