package org.smartguard.audit.ingest;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record refused by the validator and why. */
record DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
}
