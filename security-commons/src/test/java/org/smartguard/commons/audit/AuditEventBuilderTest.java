package org.smartguard.commons.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.junit.jupiter.api.Test;

class AuditEventBuilderTest {

    private static final String ISSUER = "http://localhost:8080/auth";

    private final AuditEventCodec codec = new AuditEventCodec();

    private static AuditEventBuilder aPatientRead() {
        return AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service")
                .recorded(Instant.parse("2026-11-28T10:15:30Z"))
                .user(ISSUER, "user-42", "Practitioner/pr-7")
                .client("demo-app", "10.0.0.5")
                .server("http://localhost:8080/fhir")
                .tokenId("jti-123")
                .patient("pat-1")
                .resource("Observation/obs-9")
                .query("/fhir/Observation?patient=pat-1")
                .requestId("req-abc");
    }

    @Test
    void readEventFollowsTheBalpShape() {
        AuditEvent event = aPatientRead().buildOne();

        assertEquals("rest", event.getType().getCode());
        assertEquals(AuditCodes.RESTFUL_INTERACTION, event.getSubtypeFirstRep().getSystem());
        assertEquals("read", event.getSubtypeFirstRep().getCode());
        assertEquals(AuditEvent.AuditEventAction.R, event.getAction());
        assertEquals(AuditEvent.AuditEventOutcome._0, event.getOutcome());
        assertEquals(Date.from(Instant.parse("2026-11-28T10:15:30Z")), event.getRecorded());
        assertEquals("fhir-service", event.getSource().getObserver().getDisplay());

        AuditEventAgentComponent user = agent(event, "humanuser");
        assertTrue(user.getRequestor());
        assertEquals(ISSUER, user.getWho().getIdentifier().getSystem());
        assertEquals("user-42", user.getWho().getIdentifier().getValue());
        assertEquals("Practitioner/pr-7", user.getWho().getReference());
        assertEquals("jti-123", user.getPolicy().get(0).getValue());

        AuditEventAgentComponent client = agent(event, AuditCodes.DCM_SOURCE_ROLE);
        assertFalse(client.getRequestor());
        assertEquals("demo-app", client.getWho().getIdentifier().getValue());
        assertEquals("10.0.0.5", client.getNetwork().getAddress());
        assertEquals(AuditEvent.AuditEventAgentNetworkType._2, client.getNetwork().getType());
        assertEquals("http://localhost:8080/fhir", agent(event, AuditCodes.DCM_DESTINATION_ROLE).getWho().getDisplay());

        assertEquals("Patient/pat-1", entity(event, "1").getWhat().getReference());
        assertEquals("Observation/obs-9", entity(event, "4").getWhat().getReference());
        assertEquals("/fhir/Observation?patient=pat-1", new String(entity(event, "24").getQuery(), StandardCharsets.UTF_8));
        AuditEventEntityComponent transaction = event.getEntity().stream()
                .filter(e -> "XrequestId".equals(e.getType().getCode())).findFirst().orElseThrow();
        assertEquals("req-abc", transaction.getWhat().getIdentifier().getValue());
    }

    @Test
    void requestTouchingThreePatientsGivesOneEventPerPatient() {
        List<AuditEvent> events = AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service")
                .user(ISSUER, "user-42", null)
                .patients(List.of("a", "b", "c"))
                .build();

        assertEquals(3, events.size());
        assertEquals(3, events.stream().map(e -> e.getIdElement().getIdPart()).distinct().count());
        Set<String> patients = events.stream()
                .map(e -> e.getEntity().stream().filter(x -> x.getRole().getCode().equals("1")).toList())
                .peek(list -> assertEquals(1, list.size()))
                .map(list -> list.get(0).getWhat().getReference())
                .collect(Collectors.toSet());
        assertEquals(Set.of("Patient/a", "Patient/b", "Patient/c"), patients);
        assertEquals(Set.of("a", "b", "c"), events.stream().map(AuditEventCodec::keyOf).collect(Collectors.toSet()));
        assertThrows(IllegalStateException.class, () -> AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service")
                .patients(List.of("a", "b")).buildOne());
    }

    @Test
    void statusAndResultCountAreRequestDetailsAndASplitResponseCountsOnce() {
        List<AuditEvent> events = AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service")
                .user(ISSUER, "user-42", null)
                .patients(List.of("a", "b"))
                .status(200)
                .returned(120)
                .build();

        assertEquals(List.of("HTTP-Status=200", "Result-Count=120"), details(events.get(0)));
        assertEquals(List.of("HTTP-Status=200"), details(events.get(1)));
    }

    @Test
    void perTypeCountsDescribeTheWholeResponseOnEveryEventOfASplit() {
        List<AuditEvent> events = AuditEventBuilder.event(AuditEventType.BULK_EXPORT_DOWNLOAD, "fhir-service")
                .client("bulk-client", null)
                .patients(List.of("a", "b"))
                .returnedPerType(java.util.Map.of("Observation", 7L, "Condition", 2L))
                .build();

        assertEquals(List.of("Result-Count:Condition=2", "Result-Count:Observation=7"), details(events.get(0)));
        assertEquals(List.of("Result-Count:Condition=2", "Result-Count:Observation=7"), details(events.get(1)));
        assertEquals("bulk-export-download", events.get(0).getSubtypeFirstRep().getCode());
    }

    private static List<String> details(AuditEvent event) {
        return event.getEntity().stream().filter(e -> "XrequestId".equals(e.getType().getCode()))
                .flatMap(e -> e.getDetail().stream())
                .map(d -> d.getType() + "=" + d.getValueStringType().getValue()).toList();
    }

    @Test
    void keyIsThePatientElseTheRequestingSubject() {
        assertEquals("pat-1", codec.encode(aPatientRead().buildOne()).key());
        AuditEvent login = AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service").user(ISSUER, "user-42", null).buildOne();
        assertEquals("user-42", codec.encode(login).key());
    }

    @Test
    void backendClientWithoutUserIsTheRequestorAndCarriesTheTokenId() {
        AuditEvent event = AuditEventBuilder.event(AuditEventType.TOKEN_ISSUED, "auth-service")
                .client("bulk-client", "192.168.1.9")
                .tokenId("jti-9")
                .buildOne();

        AuditEventAgentComponent client = agent(event, AuditCodes.DCM_SOURCE_ROLE);
        assertTrue(client.getRequestor());
        assertEquals("jti-9", client.getPolicy().get(0).getValue());
        assertEquals("bulk-client", codec.encode(event).key());
        assertEquals("token-issued", event.getSubtypeFirstRep().getCode());
    }

    @Test
    void authorizationStepsCarryTheirOwnSubtypesUnderGetAccessToken() {
        for (AuditEventType step : List.of(AuditEventType.CONSENT_GRANTED, AuditEventType.CONSENT_DENIED,
                AuditEventType.CODE_ISSUED, AuditEventType.LAUNCH_REGISTERED)) {
            AuditEvent event = AuditEventBuilder.event(step, "auth-service").user(ISSUER, "user-42", "Patient/pat-1")
                    .client("demo-app", "10.0.0.5").patient("pat-1").buildOne();

            assertEquals("ITI-71", event.getType().getCode(), step.name());
            assertEquals(AuditCodes.SMARTGUARD_SUBTYPE, event.getSubtypeFirstRep().getSystem(), step.name());
            assertEquals(step.name().toLowerCase().replace('_', '-'), event.getSubtypeFirstRep().getCode());
        }
    }

    @Test
    void everyEventTypeIsItsOwnTypeSubtypeAndActionTriple() {
        Set<String> triples = new HashSet<>();
        for (AuditEventType type : AuditEventType.values()) {
            String triple = type.type().getCode() + "|" + type.subtype().getSystem() + "|" + type.subtype().getCode() + "|"
                    + type.action();
            assertTrue(triples.add(triple), type + " has the same codes as another type: " + triple);
        }
    }

    @Test
    void craftedHeaderValuesCannotForgeLogLines() {
        String crafted = "evil\r\n{\"resourceType\":\"AuditEvent\",\"forged\":true}\u2028next";
        AuditEvent event = AuditEventBuilder.event(AuditEventType.ACCESS_DENIED, "gateway-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-401-" + crafted)
                .client(crafted, crafted)
                .buildOne();

        String json = codec.encode(event).json();
        assertFalse(json.contains("\n") || json.contains("\r") || json.contains("\u2028"), json);
        String address = codec.decode(json).getAgentFirstRep().getNetwork().getAddress();
        assertEquals("evil\\u000d\\u000a{\"resourceType\":\"AuditEvent\",\"forged\":true}\\u2028next", address);
        assertFalse(address.chars().anyMatch(Character::isISOControl));
    }

    @Test
    void overlongRequestValuesAreCut() {
        String longAgent = "x".repeat(AuditText.MAX_LENGTH * 4);
        AuditEvent event = AuditEventBuilder.event(AuditEventType.RATE_LIMITED, "gateway-service")
                .client(longAgent, "10.0.0.1").buildOne();
        assertEquals(AuditText.MAX_LENGTH + 1, event.getAgentFirstRep().getWho().getDisplay().length());
        assertNull(AuditText.clean(null));
    }

    private static AuditEventAgentComponent agent(AuditEvent event, String typeCode) {
        return event.getAgent().stream()
                .filter(a -> a.getType().getCodingFirstRep().getCode().equals(typeCode))
                .findFirst().orElseThrow(() -> new AssertionError("no agent of type " + typeCode));
    }

    private static AuditEventEntityComponent entity(AuditEvent event, String roleCode) {
        return event.getEntity().stream()
                .filter(e -> e.hasRole() && e.getRole().getCode().equals(roleCode))
                .findFirst().orElseThrow(() -> new AssertionError("no entity of role " + roleCode));
    }
}
