package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;

/**
 * A backend service on HAPI FHIR's generic client, the way an integration engine uses SMART Guard: SMART Backend
 * Services (a client assertion signed with demo-backend's key, a {@code system/} token from {@code /auth/token}),
 * then reads and writes through the gateway with the token in a bearer interceptor.
 */
@ExtendWith(SharedStack.class)
class BackendServiceClientIT {

    private static final String LOINC = "http://loinc.org";
    private static final String E2E_IDENTIFIER = "https://smartguard.org/e2e/backend-client";

    private static E2eStack stack;

    @BeforeAll
    static void useTheSharedStack(E2eStack shared) {
        stack = shared;
    }

    @Test
    void aBackendServiceReadsAndWritesThroughTheGatewayWithASystemToken() {
        JsonNode token = BackendServices.tokenResponse(stack, "system/Patient.cruds system/Observation.cruds");
        assertEquals("Bearer", token.get("token_type").asText());
        assertEquals("system/Patient.cruds system/Observation.cruds", token.get("scope").asText());
        assertFalse(token.has("refresh_token"), "backend services never get a refresh token");
        IGenericClient client = FhirClients.withToken(stack, token.get("access_token").asText());

        // read what the population loaded: the demo patient, a Synthea record
        Patient demoPatient = client.read().resource(Patient.class).withId("demo-patient").execute();
        assertTrue(demoPatient.getIdentifier().stream().anyMatch(id -> id.getSystem().equals("https://github.com/synthetichealth/synthea")),
                "demo-patient is a generated patient");
        Bundle vitals = client.search().forResource(Observation.class)
                .where(Observation.PATIENT.hasId("demo-patient"))
                .and(Observation.CATEGORY.exactly().code("vital-signs"))
                .returnBundle(Bundle.class).execute();
        assertFalse(vitals.getEntry().isEmpty(), "the demo patient's vital signs");

        // write: a patient and an observation of theirs, then read them back and search by identifier
        String marker = UUID.randomUUID().toString();
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(E2E_IDENTIFIER).setValue(marker);
        patient.addName().setFamily("Backend-" + marker.substring(0, 8)).addGiven("Robin");
        patient.setGender(AdministrativeGender.OTHER);
        MethodOutcome created = client.create().resource(patient).execute();
        assertTrue(created.getCreated(), "201 Created");
        String patientId = created.getId().getIdPart();

        Observation weight = new Observation();
        weight.setStatus(ObservationStatus.FINAL);
        weight.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs")));
        weight.setCode(new CodeableConcept(new Coding(LOINC, "29463-7", "Body weight")));
        weight.setSubject(new Reference("Patient/" + patientId));
        weight.setValue(new Quantity().setValue(71.5).setUnit("kg").setSystem("http://unitsofmeasure.org").setCode("kg"));
        String observationId = client.create().resource(weight).execute().getId().getIdPart();

        Patient read = client.read().resource(Patient.class).withId(patientId).execute();
        assertEquals("Backend-" + marker.substring(0, 8), read.getNameFirstRep().getFamily());
        assertEquals("1", read.getMeta().getVersionId());
        Bundle found = client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().systemAndCode(E2E_IDENTIFIER, marker))
                .returnBundle(Bundle.class).execute();
        assertEquals(List.of(patientId), found.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList());

        read.getNameFirstRep().addGiven("Alex");
        MethodOutcome updated = client.update().resource(read).execute();
        assertEquals("2", updated.getId().getVersionIdPart(), "the update is version 2");
        Observation stored = client.read().resource(Observation.class).withId(observationId).execute();
        assertEquals("Patient/" + patientId, stored.getSubject().getReference());
        assertEquals(71.5, stored.getValueQuantity().getValue().doubleValue());
    }

    @Test
    void theGatewayRefusesTheClientWithoutATokenAndTheFhirServiceBeyondItsScopes() {
        IGenericClient anonymous = FhirClients.anonymous(stack);
        assertThrows(AuthenticationException.class, () -> anonymous.read().resource(Patient.class).withId("demo-patient").execute());

        IGenericClient reader = FhirClients.withToken(stack, BackendServices.token(stack, "system/Patient.rs"));
        Patient patient = new Patient();
        patient.addName().setFamily("Never-stored");
        ForbiddenOperationException refused = assertThrows(ForbiddenOperationException.class,
                () -> reader.create().resource(patient).execute());
        assertEquals(403, refused.getStatusCode());
        assertEquals("SG-FHIR-403-SCOPE", ((OperationOutcome) refused.getOperationOutcome()).getIssueFirstRep().getDetails().getText());
        Bundle none = reader.search().forResource(Patient.class).where(Patient.FAMILY.matchesExactly().value("Never-stored"))
                .returnBundle(Bundle.class).execute();
        assertTrue(none.getEntry().isEmpty(), "nothing was stored");
    }
}
