package org.smartguard.audit.search;

import java.time.Instant;
import java.util.UUID;

/** One stored audit event as the query API reads it: its id, recorded time and JSON exactly as stored. */
public record StoredEvent(UUID id, Instant recorded, String json) {
}
