package org.smartguard.audit.store;

import java.time.Instant;
import java.util.UUID;

/** A validated audit event as read from one partition: its id, its recorded time, its JSON as received, its offset. */
public record IncomingEvent(UUID eventId, Instant recorded, String json, long sourceOffset) {
}
