package org.smartguard.commons.audit;

/**
 * An audit event as it travels: its id (unique, the consumer's idempotency key), its Kafka key (the patient,
 * else the requesting subject, so one patient's events stay in order on one partition) and its JSON.
 */
public record EncodedAuditEvent(String eventId, String key, String json) {
}
