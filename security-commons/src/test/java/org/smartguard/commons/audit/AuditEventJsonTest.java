package org.smartguard.commons.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.TreeMap;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.parser.IParser;

/** The builder's own JSON must be exactly what HAPI writes for its model, for every event it can make and hostile values in it. */
class AuditEventJsonTest {

    /** Values a request can put into an event: escaping, blanks, non-ASCII, separators, surrogates, long text. */
    private static final List<String> HOSTILE = List.of("", " ", "\t", "plain", "with \"quotes\"", "back\\slash\\",
            "line\nbreak\r\n", "nul\u0000bell\u0007esc\u001bdel\u007f", "\b\f", "sep\u2028par\u2029", "é ü ß 漢字",
            "emoji 😀", "lone \ud800 surrogate", "</script><!--", "{\"json\":[1,2]}", "Patient/p1/_history/2",
            "https://example.org/fhir/Patient/x", "urn:uuid:" + "0".repeat(8), " padded ", "a".repeat(1100),
            "\u0085next-line\u00a0nbsp", "%2e%2e/%00", "'single' `tick`", "\ufeffbom");

    private final IParser hapi = FhirR4.context().newJsonParser().setPrettyPrint(false).setStripVersionsFromReferences(false);
    private final AuditEventCodec codec = new AuditEventCodec();

    @Test
    void writesWhatHapiWritesForThousandsOfBuiltEvents() {
        Random random = new Random(20260105);
        for (int i = 0; i < 8000; i++) {
            assertSameAsHapi(randomBuilder(random), "built event #" + i);
        }
    }

    @Test
    void writesTheFullestEventAsHapiDoes() {
        assertSameAsHapi(fullEvent(), "full event");
    }

    @Test
    void writesRecordedTimesAsHapiDoesInEveryZone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            for (String zone : List.of("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                for (long millis : new long[] {0L, 1L, 999L, 1_767_322_445_006L, 1_782_864_000_000L, 253_402_300_799_999L}) {
                    assertSameAsHapi(AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service").client("app", null)
                            .recorded(Instant.ofEpochMilli(millis)), zone + " " + millis);
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void refusesWhatTheCodecRefusesAndNothingElse() {
        Random random = new Random(3);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            AuditEventBuilder builder = randomBuilder(random);
            boolean valid = isValid(builder.build().get(0));
            if (valid) {
                builder.encode();
            } else {
                refused++;
                assertThrows(AuditEventRejectedException.class, builder::encode, "event #" + i);
            }
        }
        assertTrue(refused > 100, "the random events include events without a requestor");
        assertThrows(AuditEventRejectedException.class, () -> AuditEventBuilder.event(AuditEventType.LOGIN, " ").client("app", null).encode());
    }

    @Test
    void eachEventHasItsOwnIdAndTheModelsRecordedTime() {
        AuditEventBuilder builder = AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service").client("app", "10.0.0.1")
                .patients(List.of("p1", "p2", "p3"));
        List<EncodedAuditEvent> events = builder.encode();
        assertEquals(3, events.stream().map(EncodedAuditEvent::eventId).distinct().count());
        assertEquals(List.of("p1", "p2", "p3"), events.stream().map(EncodedAuditEvent::key).toList());
        AuditEvent decoded = codec.decode(events.get(1).json());
        assertEquals(builder.build().get(1).getRecorded(), decoded.getRecorded(), "one recorded time, taken at the first call");
    }

    private boolean isValid(AuditEvent event) {
        try {
            codec.checkContract(event);
            return true;
        } catch (AuditEventRejectedException e) {
            return false;
        }
    }

    /** Each event of the builder: the JSON HAPI writes for the model's event with the same id, and the same key. */
    private void assertSameAsHapi(AuditEventBuilder builder, String label) {
        List<AuditEvent> model = builder.build();
        if (!isValid(model.get(0))) {
            return;
        }
        List<EncodedAuditEvent> encoded = builder.encode();
        assertEquals(model.size(), encoded.size(), label);
        for (int i = 0; i < model.size(); i++) {
            AuditEvent event = model.get(i);
            event.setIdElement(new IdType(encoded.get(i).eventId()));
            String expected = hapi.encodeResourceToString(event);
            String written = encoded.get(i).json();
            assertEquals(AuditEventCodec.keyOf(event), encoded.get(i).key(), label + ": key");
            if (!expected.equals(written)) {
                int at = 0;
                while (at < Math.min(expected.length(), written.length()) && expected.charAt(at) == written.charAt(at)) {
                    at++;
                }
                assertEquals(escape(expected.substring(Math.max(0, at - 60))), escape(written.substring(Math.max(0, at - 60))), label);
            }
        }
    }

    private static AuditEventBuilder fullEvent() {
        return AuditEventBuilder.event(AuditEventType.REST_SEARCH, "gateway-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-403-SCOPE")
                .user("https://issuer", "alice", "Patient/p1").client("app", "10.0.0.1").server("https://fhir")
                .tokenId("jti").patient("p1").resource("Observation/1").query("/fhir/Observation?patient=p1")
                .requestId("rid").userAgent("ua").status(403).returned(0).returnedPerType(Map.of("Observation", 1L));
    }

    private static AuditEventBuilder randomBuilder(Random random) {
        AuditEventType[] types = AuditEventType.values();
        AuditOutcome[] outcomes = AuditOutcome.values();
        AuditEventBuilder builder = AuditEventBuilder.event(types[random.nextInt(types.length)], pick(random) + "service");
        if (random.nextBoolean()) {
            builder.outcome(outcomes[random.nextInt(outcomes.length)], random.nextBoolean() ? pick(random) : null);
        }
        if (random.nextBoolean()) {
            builder.recorded(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)));
        }
        if (random.nextBoolean()) {
            builder.user(maybe(random), pick(random) + "sub", maybe(random));
        }
        if (random.nextBoolean()) {
            builder.client(maybe(random), maybe(random));
        }
        if (random.nextInt(3) == 0) {
            builder.server(pick(random));
        }
        if (random.nextBoolean()) {
            builder.tokenId(pick(random));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            builder.patient(pick(random) + i);
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            builder.resource(pick(random));
        }
        if (random.nextBoolean()) {
            builder.query(pick(random));
        }
        if (random.nextBoolean()) {
            builder.requestId(pick(random));
        }
        if (random.nextBoolean()) {
            builder.userAgent(pick(random));
        }
        if (random.nextBoolean()) {
            builder.status(random.nextInt(100, 600));
        }
        if (random.nextBoolean()) {
            builder.returned(random.nextInt(10_000));
        }
        if (random.nextInt(4) == 0) {
            Map<String, Long> counts = new TreeMap<>();
            counts.put(pick(random) + "Type", random.nextLong(1_000_000));
            counts.put("Observation", random.nextLong(10));
            builder.returnedPerType(counts);
        }
        return builder;
    }

    private static String pick(Random random) {
        return HOSTILE.get(random.nextInt(HOSTILE.size()));
    }

    private static String maybe(Random random) {
        return random.nextInt(4) == 0 ? null : pick(random);
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
