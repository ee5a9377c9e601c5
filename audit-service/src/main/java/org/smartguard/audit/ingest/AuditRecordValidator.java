package org.smartguard.audit.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.hl7.fhir.r4.model.AuditEvent;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventRejectedException;
import org.smartguard.commons.audit.AuditText;
import org.smartguard.commons.audit.outbox.KafkaAuditSender;

/**
 * Accepts a record only if it is what the publishers send: UTF-8 JSON that HAPI parses strictly as an AuditEvent,
 * that meets the suite's event contract (the codec's own check, so producer and consumer cannot disagree), and whose
 * single {@code event-id} header is the resource id.
 */
public class AuditRecordValidator {

    private final AuditEventCodec codec = new AuditEventCodec();

    public IncomingEvent validate(ConsumerRecord<byte[], byte[]> record) throws InvalidAuditRecordException {
        if (record.value() == null || record.value().length == 0) {
            throw new InvalidAuditRecordException("empty value");
        }
        String headerId = eventIdHeader(record);
        String json = utf8(record.value());
        if (json.indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold NUL: refused here, such a record would otherwise fail its batch forever
            throw new InvalidAuditRecordException("contains a NUL character");
        }
        AuditEvent event;
        try {
            event = codec.decode(json);
        } catch (RuntimeException e) {
            throw new InvalidAuditRecordException("not a FHIR R4 AuditEvent: " + AuditText.clean(String.valueOf(e.getMessage())));
        }
        try {
            codec.checkContract(event);
        } catch (AuditEventRejectedException e) {
            throw new InvalidAuditRecordException(e.getMessage());
        }
        String id = event.getIdElement().getIdPart();
        if (!id.equals(headerId)) {
            throw new InvalidAuditRecordException("the event-id header " + AuditText.clean(headerId)
                    + " is not the event's id " + AuditText.clean(id));
        }
        return new IncomingEvent(UUID.fromString(id), event.getRecorded().toInstant(), json, record.offset());
    }

    private static String eventIdHeader(ConsumerRecord<byte[], byte[]> record) throws InvalidAuditRecordException {
        Header found = null;
        for (Header header : record.headers().headers(KafkaAuditSender.EVENT_ID_HEADER)) {
            if (found != null) {
                throw new InvalidAuditRecordException("more than one event-id header");
            }
            found = header;
        }
        if (found == null || found.value() == null) {
            throw new InvalidAuditRecordException("no event-id header");
        }
        return utf8(found.value());
    }

    private static String utf8(byte[] bytes) throws InvalidAuditRecordException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidAuditRecordException("not UTF-8");
        }
    }
}
