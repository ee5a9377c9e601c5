package org.smartguard.audit.rules;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows run on the time an event was recorded, not when it reached Kafka: an event relayed late from an outbox
 * counts in the minute it happened, and tests drive time with synthetic timestamps. The JSON is not parsed here
 * (the topology parses it once); an event without a readable {@code recorded} keeps the record's own timestamp.
 */
public class RecordedTimeExtractor implements TimestampExtractor {

    private static final Pattern RECORDED = Pattern.compile("\"recorded\"\\s*:\\s*\"([^\"]+)\"");

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof String json) {
            Matcher matcher = RECORDED.matcher(json);
            if (matcher.find()) {
                try {
                    return Instant.parse(matcher.group(1)).toEpochMilli();
                } catch (DateTimeParseException e) {
                    // FHIR allows offsets like +02:00, which Instant.parse accepts; anything else falls through
                }
            }
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
