package org.smartguard.commons.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.parser.IParser;

/** The fast writer must write exactly what HAPI writes, for every event the builder can make and hostile values in it. */
class AuditEventJsonWriterTest {

    /** Values a request can put into an event: escaping, blanks, non-ASCII, separators, surrogates, long text. */
    private static final List<String> HOSTILE = List.of("", " ", "\t", "plain", "with \"quotes\"", "back\\slash\\",
            "line\nbreak\r\n", "nul\u0000bell\u0007esc\u001bdel\u007f", "\b\f", "sep\u2028par\u2029", "é ü ß 漢字",
            "emoji 😀", "lone \ud800 surrogate", "</script><!--", "{\"json\":[1,2]}", "Patient/p1/_history/2",
            "https://example.org/fhir/Patient/x", "urn:uuid:" + "0".repeat(8), " padded ", "a".repeat(1100),
            "\u0085next-line\u00a0nbsp", "%2e%2e/%00", "'single' `tick`", "\ufeffbom");

    private final IParser hapi = FhirR4.context().newJsonParser().setPrettyPrint(false).setStripVersionsFromReferences(false);

    @Test
    void writesWhatHapiWritesForThousandsOfBuiltEvents() {
        Random random = new Random(20260105);
        for (int i = 0; i < 5000; i++) {
            AuditEvent event = randomBuiltEvent(random);
            assertSameAsHapi(event, "built event #" + i);
        }
    }

    @Test
    void writesWhatHapiWritesForRawHostileValuesSetOnTheModel() {
        // the builder cleans request values; the writer must still escape whatever reaches the model directly
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) {
            AuditEvent event = randomBuiltEvent(random);
            String raw = pick(random) + (char) random.nextInt(0x80) + pick(random) + (char) random.nextInt(0x10000);
            List<Consumer<AuditEvent>> edits = List.of(
                    e -> e.setOutcomeDesc(raw),
                    e -> e.getSource().getObserver().setDisplay(raw),
                    e -> e.getAgentFirstRep().getWho().setDisplay(raw),
                    e -> e.getAgentFirstRep().getWho().setReference(raw),
                    e -> e.getAgentFirstRep().getWho().getIdentifier().setSystem(raw).setValue(raw),
                    e -> e.getAgentFirstRep().addPolicy(raw),
                    e -> e.getAgentFirstRep().getNetwork().setAddress(raw),
                    e -> e.getEntityFirstRep().getWhat().setReference(raw),
                    e -> e.getEntityFirstRep().addDetail().setType(raw).setValue(new StringType(raw)),
                    e -> e.getSubtypeFirstRep().setCode(raw).setDisplay(raw).setSystem(raw));
            edits.get(random.nextInt(edits.size())).accept(event);
            assertSameAsHapi(event, "raw value " + escape(raw));
        }
    }

    @Test
    void writesWhatHapiWritesForEmptyAndPartlyEmptyElements() {
        AuditEvent event = AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service").buildOne();
        event.addAgent(new AuditEventAgentComponent());
        event.addAgent(new AuditEventAgentComponent().setWho(new Reference().setDisplay(" ")));
        event.addEntity(new AuditEventEntityComponent().setType(new Coding()));
        event.addEntity(new AuditEventEntityComponent().setWhat(new Reference("")).setRole(new Coding(null, "x", null)));
        event.addEntity().addDetail().setType("only-type");
        event.addEntity().addDetail().setValue(new StringType(""));
        event.addSubtype(new Coding());
        event.getSource().addType(new Coding("", "", ""));
        event.getAgentFirstRep().addPolicy("");
        assertSameAsHapi(event, "empty elements");
    }

    @Test
    void writesWhatHapiWritesForEventsReadBackFromJson() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            AuditEvent decoded = hapi.parseResource(AuditEvent.class, hapi.encodeResourceToString(randomBuiltEvent(random)));
            assertSameAsHapi(decoded, "decoded event #" + i);
        }
    }

    @Test
    void writesRecordedTimesAsHapiDoesInEveryPrecisionAndZone() {
        TimeZone saved = TimeZone.getDefault();
        try {
            for (String zone : List.of("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                for (long millis : new long[] {0L, 1L, 999L, 1_767_322_445_006L, 253_402_300_799_999L}) {
                    AuditEvent event = AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service")
                            .recorded(Instant.ofEpochMilli(millis)).buildOne();
                    assertSameAsHapi(event, zone + " " + millis);
                    event.setRecordedElement(new InstantType("2026-01-02T03:04:05.123456+05:30"));
                    assertSameAsHapi(event, zone + " micros");
                    event.setRecorded(new Date(millis));
                    assertSameAsHapi(event, zone + " date " + millis);
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void leavesEventsWithElementsBeyondTheBuildersToHapi() {
        List<Consumer<AuditEvent>> beyond = List.of(
                e -> e.setMeta(new Meta().setVersionId("1")),
                e -> e.addExtension(new Extension("https://example.org/x", new StringType("x"))),
                e -> e.setPeriod(new Period().setStart(new Date())),
                e -> e.getOutcomeDescElement().setId("x"),
                e -> e.getAgentFirstRep().setName("n"),
                e -> e.getAgentFirstRep().getWho().setType("Patient"),
                e -> e.getAgentFirstRep().getWho().getIdentifier().setUse(org.hl7.fhir.r4.model.Identifier.IdentifierUse.OFFICIAL),
                e -> e.getSubtypeFirstRep().setVersion("1"),
                e -> e.getEntityFirstRep().setName("n"),
                e -> e.getEntityFirstRep().addDetail().setType("b").setValue(new Base64BinaryType(new byte[] {1})),
                e -> e.getSource().setSite("site"),
                // a reference to a contained resource, which HAPI resolves against the contained ones
                e -> e.getEntityFirstRep().getWhat().setReference("#contained"),
                e -> e.setIdElement(new org.hl7.fhir.r4.model.IdType("AuditEvent", e.getIdElement().getIdPart(), "2")));
        for (int i = 0; i < beyond.size(); i++) {
            AuditEvent event = fullEvent();
            beyond.get(i).accept(event);
            assertNull(AuditEventJsonWriter.write(event), "case " + i);
        }
        assertNotNull(AuditEventJsonWriter.write(fullEvent()));
    }

    private void assertSameAsHapi(AuditEvent event, String label) {
        String expected = hapi.encodeResourceToString(event);
        String written = AuditEventJsonWriter.write(event);
        assertNotNull(written, label + ": the builder's shape must not fall back to HAPI");
        if (!expected.equals(written)) {
            int at = 0;
            while (at < Math.min(expected.length(), written.length()) && expected.charAt(at) == written.charAt(at)) {
                at++;
            }
            assertEquals(escape(expected.substring(Math.max(0, at - 60))), escape(written.substring(Math.max(0, at - 60))), label);
        }
    }

    private static AuditEvent fullEvent() {
        return AuditEventBuilder.event(AuditEventType.REST_SEARCH, "gateway-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-403-SCOPE")
                .user("https://issuer", "alice", "Patient/p1").client("app", "10.0.0.1").server("https://fhir")
                .tokenId("jti").patient("p1").resource("Observation/1").query("/fhir/Observation?patient=p1")
                .requestId("rid").userAgent("ua").status(403).returned(0).returnedPerType(Map.of("Observation", 1L))
                .buildOne();
    }

    private static AuditEvent randomBuiltEvent(Random random) {
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
        List<AuditEvent> events = builder.build();
        return events.get(random.nextInt(events.size()));
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
