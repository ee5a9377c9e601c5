-- Search keys: the values the query API filters on, extracted from each stored event into a table PostgreSQL keeps
-- statistics for. JSON containment on the payload (the GIN index this replaces) has none: the planner assumed every
-- filter matched a fixed fraction of the rows and either walked the whole recorded index for an address that matches
-- nothing or parsed every payload of a filter that matches most of them.

-- What a search can find an event by, as 'parameter=value', the parameter named as in the search API:
--   patient  the reference of each entity in the patient role (role code 1)
--   agent    each agent's who.reference and who.identifier.value (a user's fhirUser and subject, a client's id)
--   address  each agent's network address
--   entity   each entity's what.reference
--   type, subtype  each coding's code, and system|code where it has a system
--   outcome  the outcome code
-- Values over 256 characters are left out: no search value may be longer (AuditEventCriteria), and btree entries
-- must stay small. This function is the one definition: ingest (AuditEventStore), the backfill below and the
-- integrity check (ChainVerifier) all call it, so the keys stored can always be recomputed from the hashed payload.
CREATE FUNCTION audit_log.event_search_keys(event jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT DISTINCT parameter || '=' || value
    FROM (
        SELECT 'patient', v #>> '{}' FROM jsonb_path_query(event, '$.entity[*] ? (@.role.code == "1").what.reference') v
        UNION ALL
        SELECT 'agent', v #>> '{}' FROM jsonb_path_query(event, '$.agent[*].who.reference') v
        UNION ALL
        SELECT 'agent', v #>> '{}' FROM jsonb_path_query(event, '$.agent[*].who.identifier.value') v
        UNION ALL
        SELECT 'address', v #>> '{}' FROM jsonb_path_query(event, '$.agent[*].network.address') v
        UNION ALL
        SELECT 'entity', v #>> '{}' FROM jsonb_path_query(event, '$.entity[*].what.reference') v
        UNION ALL
        SELECT 'type', v ->> 'code' FROM jsonb_path_query(event, '$.type') v
        UNION ALL
        SELECT 'type', (v ->> 'system') || '|' || (v ->> 'code') FROM jsonb_path_query(event, '$.type ? (exists(@.system))') v
        UNION ALL
        SELECT 'subtype', v ->> 'code' FROM jsonb_path_query(event, '$.subtype[*]') v
        UNION ALL
        SELECT 'subtype', (v ->> 'system') || '|' || (v ->> 'code') FROM jsonb_path_query(event, '$.subtype[*] ? (exists(@.system))') v
        UNION ALL
        SELECT 'outcome', event ->> 'outcome'
    ) found (parameter, value)
    WHERE value IS NOT NULL AND length(value) <= 256
$$;

-- One row per key of each event, with the event's sort key, so a search by one key is a range scan of the index
-- below that stops after one page, in either direction, and fetches only that page's events. Several patients (or
-- agents, or entities) of one event are several rows. Partitioned like events, by the same stored_at and with the
-- same monthly bounds: retention drops a month of keys with its month of events (PartitionMaintenance).
CREATE TABLE audit_log.event_keys (
    search_key text        NOT NULL,
    recorded   timestamptz NOT NULL,
    event_id   uuid        NOT NULL,
    stored_at  timestamptz NOT NULL
) PARTITION BY RANGE (stored_at);

DO $$
DECLARE
    part record;
BEGIN
    FOR part IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bounds
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'audit_log.events'::regclass
    LOOP
        EXECUTE format('CREATE TABLE audit_log.%I PARTITION OF audit_log.event_keys %s',
                       regexp_replace(part.relname, '^events_', 'event_keys_'), part.bounds);
    END LOOP;
END
$$;

-- The backfill, as the owner, in this migration's transaction: the writer role may never UPDATE or DELETE, and
-- need not; it only inserts the keys of the events it appends from now on.
INSERT INTO audit_log.event_keys (search_key, recorded, event_id, stored_at)
SELECT k.search_key, e.recorded, e.event_id, e.stored_at
FROM audit_log.events e CROSS JOIN LATERAL audit_log.event_search_keys(e.payload::jsonb) AS k (search_key);

-- built after the backfill (faster than maintaining it row by row); unique, so an event's key is stored once
CREATE UNIQUE INDEX event_keys_page ON audit_log.event_keys (search_key, recorded, event_id, stored_at);

DROP INDEX IF EXISTS audit_log.events_payload;

ANALYZE audit_log.event_keys;
