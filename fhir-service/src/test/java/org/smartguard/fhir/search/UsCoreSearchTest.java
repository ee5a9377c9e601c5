package org.smartguard.fhir.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.smartguard.fhir.search.SearchFixtures.create;
import static org.smartguard.fhir.search.SearchFixtures.ids;
import static org.smartguard.fhir.search.SearchFixtures.reference;
import static org.smartguard.fhir.search.SearchFixtures.search;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.testing.TestAuthority;
import org.smartguard.fhir.TestAuthorityResource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The US Core 6.1 search parameters and combinations a client may rely on, for each profile's resource type, searched
 * with a clinician's user/*.rs token (which reaches every patient, so the other patient's decoys prove each filter).
 */
@QuarkusTest
@QuarkusTestResource(TestAuthorityResource.class)
class UsCoreSearchTest {

    private static final String SNOMED = "http://snomed.info/sct";

    private String tag;
    private String patient;
    private String decoy;
    private String token;

    @BeforeEach
    void patients() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        patient = create("Patient", "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:mrn\",\"value\":\"" + tag + "\"}],"
                + "\"name\":[{\"family\":\"Core" + tag + "\",\"given\":[\"Ursula\"]}],\"gender\":\"female\",\"birthDate\":\"1970-05-06\"}");
        decoy = create("Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Core" + tag + "\"}],\"gender\":\"male\","
                + "\"birthDate\":\"1980-01-01\"}");
        token = TestAuthority.practitionerToken("us-core-" + tag, "user/*.rs");
    }

    /** Asserts that the search finds exactly these ids; {@code |} in the query is encoded here. */
    private void finds(String query, String... expected) {
        assertEquals(Set.of(expected), Set.copyOf(ids(search(token, query.replace("|", "%7C")))), query);
    }

    private String of(String type, String json) {
        return create(type, "{\"resourceType\":\"" + type + "\"," + json + "}");
    }

    private String subject() {
        return "\"subject\":" + reference("Patient", patient);
    }

    private static String concept(String system, String code) {
        return "{\"coding\":[{\"system\":\"" + system + "\",\"code\":\"" + code + "\"}]}";
    }

    @Test
    void patient() {
        finds("Patient?_id=" + patient, patient);
        finds("Patient?identifier=urn:mrn|" + tag, patient);
        finds("Patient?name=core" + tag, patient, decoy);
        finds("Patient?family=Core" + tag + "&gender=female", patient);
        finds("Patient?birthdate=1970-05-06&name=Core" + tag, patient);
        finds("Patient?gender=male&name=Core" + tag, decoy);
    }

    @Test
    void observation() {
        String category = "http://terminology.hl7.org/CodeSystem/observation-category";
        String lab = of("Observation", "\"status\":\"final\",\"category\":[" + concept(category, "laboratory") + "],\"code\":"
                + concept("http://loinc.org", "2339-0") + "," + subject() + ",\"effectiveDateTime\":\"2024-01-10T08:00:00Z\"");
        String vital = of("Observation", "\"status\":\"preliminary\",\"category\":[" + concept(category, "vital-signs") + "],\"code\":"
                + concept("http://loinc.org", "8867-4") + "," + subject() + ",\"effectiveDateTime\":\"2024-02-10T08:00:00Z\"");
        of("Observation", "\"status\":\"final\",\"category\":[" + concept(category, "vital-signs") + "],\"code\":"
                + concept("http://loinc.org", "8867-4") + ",\"subject\":" + reference("Patient", decoy));
        finds("Observation?patient=" + patient + "&category=laboratory", lab);
        finds("Observation?patient=" + patient + "&category=" + category + "|vital-signs&date=ge2024-02-01", vital);
        finds("Observation?patient=" + patient + "&code=http://loinc.org|8867-4", vital);
        finds("Observation?patient=" + patient + "&code=2339-0,8867-4", lab, vital);
        finds("Observation?patient=" + patient + "&code=8867-4&date=2024-02", vital);
        finds("Observation?patient=" + patient + "&code=8867-4&date=2024-01");
        finds("Observation?patient=" + patient + "&category=vital-signs&status=preliminary", vital);
        finds("Observation?patient=" + patient + "&category=vital-signs&status=final");
    }

    @Test
    void condition() {
        String problems = "http://terminology.hl7.org/CodeSystem/condition-category";
        String clinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
        String diabetes = of("Condition", "\"clinicalStatus\":" + concept(clinical, "active") + ",\"category\":[" + concept(problems, "problem-list-item")
                + "],\"code\":" + concept(SNOMED, "44054006") + "," + subject() + ",\"onsetDateTime\":\"2020-01-01\"");
        String hypertension = of("Condition", "\"clinicalStatus\":" + concept(clinical, "resolved") + ",\"category\":[" + concept(problems, "encounter-diagnosis")
                + "],\"code\":" + concept(SNOMED, "38341003") + "," + subject() + ",\"onsetDateTime\":\"2021-06-01\"");
        of("Condition", "\"code\":" + concept(SNOMED, "44054006") + ",\"subject\":" + reference("Patient", decoy));
        finds("Condition?patient=" + patient, diabetes, hypertension);
        finds("Condition?patient=" + patient + "&category=problem-list-item", diabetes);
        finds("Condition?patient=" + patient + "&clinical-status=" + clinical + "|resolved", hypertension);
        finds("Condition?patient=" + patient + "&code=" + SNOMED + "|44054006", diabetes);
        finds("Condition?patient=" + patient + "&onset-date=ge2021-01-01", hypertension);
    }

    @Test
    void encounter() {
        String actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
        String visit = of("Encounter", "\"identifier\":[{\"system\":\"urn:enc\",\"value\":\"E-" + tag + "\"}],\"status\":\"finished\",\"class\":{\"system\":\""
                + actCode + "\",\"code\":\"AMB\"},\"type\":[" + concept(SNOMED, "185349003") + "]," + subject()
                + ",\"period\":{\"start\":\"2024-03-01T09:00:00Z\",\"end\":\"2024-03-01T10:00:00Z\"}");
        String stay = of("Encounter", "\"status\":\"in-progress\",\"class\":{\"system\":\"" + actCode + "\",\"code\":\"IMP\"}," + subject()
                + ",\"period\":{\"start\":\"2024-04-01\",\"end\":\"2024-04-02\"}");
        of("Encounter", "\"status\":\"finished\",\"class\":{\"system\":\"" + actCode + "\",\"code\":\"AMB\"},\"subject\":" + reference("Patient", decoy));
        finds("Encounter?_id=" + visit, visit);
        finds("Encounter?patient=" + patient, visit, stay);
        finds("Encounter?patient=" + patient + "&date=2024-03", visit);
        finds("Encounter?identifier=urn:enc|E-" + tag, visit);
        finds("Encounter?patient=" + patient + "&class=" + actCode + "|AMB", visit);
        finds("Encounter?patient=" + patient + "&type=" + SNOMED + "|185349003", visit);
        finds("Encounter?patient=" + patient + "&status=in-progress", stay);
    }

    @Test
    void medicationRequest() {
        String encounter = of("Encounter", "\"status\":\"finished\",\"class\":{\"code\":\"AMB\"}," + subject());
        String medication = "\"medicationCodeableConcept\":" + concept("http://www.nlm.nih.gov/research/umls/rxnorm", "1049502");
        String order = of("MedicationRequest", "\"status\":\"active\",\"intent\":\"order\"," + medication + "," + subject()
                + ",\"encounter\":" + reference("Encounter", encounter) + ",\"authoredOn\":\"2024-03-02\"");
        String plan = of("MedicationRequest", "\"status\":\"completed\",\"intent\":\"plan\"," + medication + "," + subject() + ",\"authoredOn\":\"2023-01-01\"");
        of("MedicationRequest", "\"status\":\"active\",\"intent\":\"order\"," + medication + ",\"subject\":" + reference("Patient", decoy));
        finds("MedicationRequest?patient=" + patient + "&intent=order", order);
        finds("MedicationRequest?patient=" + patient + "&intent=order,plan&status=active", order);
        finds("MedicationRequest?patient=" + patient + "&intent=plan&authoredon=2023", plan);
        finds("MedicationRequest?patient=" + patient + "&intent=order&encounter=Encounter/" + encounter, order);
    }

    @Test
    void allergyIntoleranceAndImmunization() {
        String clinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
        String active = of("AllergyIntolerance", "\"clinicalStatus\":" + concept(clinical, "active") + ",\"code\":{\"text\":\"peanut\"},\"patient\":"
                + reference("Patient", patient));
        String inactive = of("AllergyIntolerance", "\"clinicalStatus\":" + concept(clinical, "inactive") + ",\"code\":{\"text\":\"dust\"},\"patient\":"
                + reference("Patient", patient));
        of("AllergyIntolerance", "\"code\":{\"text\":\"peanut\"},\"patient\":" + reference("Patient", decoy));
        finds("AllergyIntolerance?patient=" + patient, active, inactive);
        finds("AllergyIntolerance?patient=" + patient + "&clinical-status=active", active);

        String vaccine = "\"vaccineCode\":" + concept("http://hl7.org/fhir/sid/cvx", "207") + ",\"patient\":" + reference("Patient", patient);
        String given = of("Immunization", "\"status\":\"completed\"," + vaccine + ",\"occurrenceDateTime\":\"2021-05-01\"");
        String skipped = of("Immunization", "\"status\":\"not-done\"," + vaccine + ",\"occurrenceDateTime\":\"2022-05-01\"");
        of("Immunization", "\"status\":\"completed\",\"vaccineCode\":{\"text\":\"x\"},\"patient\":" + reference("Patient", decoy) + ",\"occurrenceDateTime\":\"2021-05-01\"");
        finds("Immunization?patient=" + patient, given, skipped);
        finds("Immunization?patient=" + patient + "&date=2021", given);
        finds("Immunization?patient=" + patient + "&status=not-done", skipped);
    }

    @Test
    void procedureAndDiagnosticReport() {
        String done = of("Procedure", "\"status\":\"completed\",\"code\":" + concept(SNOMED, "80146002") + "," + subject() + ",\"performedDateTime\":\"2019-06-01\"");
        String ongoing = of("Procedure", "\"status\":\"in-progress\",\"code\":" + concept(SNOMED, "274025005") + "," + subject() + ",\"performedDateTime\":\"2024-01-01\"");
        of("Procedure", "\"status\":\"completed\",\"code\":" + concept(SNOMED, "80146002") + ",\"subject\":" + reference("Patient", decoy));
        finds("Procedure?patient=" + patient, done, ongoing);
        finds("Procedure?patient=" + patient + "&date=2019", done);
        finds("Procedure?patient=" + patient + "&code=" + SNOMED + "|80146002", done);
        finds("Procedure?patient=" + patient + "&status=in-progress", ongoing);

        String v2 = "http://terminology.hl7.org/CodeSystem/v2-0074";
        String lab = of("DiagnosticReport", "\"status\":\"final\",\"category\":[" + concept(v2, "LAB") + "],\"code\":" + concept("http://loinc.org", "58410-2")
                + "," + subject() + ",\"effectiveDateTime\":\"2024-01-10\"");
        String imaging = of("DiagnosticReport", "\"status\":\"preliminary\",\"category\":[" + concept(v2, "RAD") + "],\"code\":"
                + concept("http://loinc.org", "24627-2") + "," + subject() + ",\"effectiveDateTime\":\"2024-05-02\"");
        of("DiagnosticReport", "\"status\":\"final\",\"category\":[" + concept(v2, "LAB") + "],\"code\":{\"text\":\"x\"},\"subject\":" + reference("Patient", decoy));
        finds("DiagnosticReport?patient=" + patient, lab, imaging);
        finds("DiagnosticReport?patient=" + patient + "&category=LAB", lab);
        finds("DiagnosticReport?patient=" + patient + "&code=http://loinc.org|24627-2", imaging);
        finds("DiagnosticReport?patient=" + patient + "&date=2024-01-10", lab);
        finds("DiagnosticReport?patient=" + patient + "&status=final", lab);
        finds("DiagnosticReport?patient=" + patient + "&category=LAB&date=ge2024-05-01");
    }

    @Test
    void documentReferenceAndCarePlan() {
        String content = "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"url\":\"Binary/1\"}}]";
        String note = of("DocumentReference", "\"status\":\"current\",\"type\":" + concept("http://loinc.org", "34133-9") + ",\"category\":["
                + concept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note") + "]," + subject()
                + ",\"date\":\"2024-02-01T10:00:00Z\"," + content);
        String old = of("DocumentReference", "\"status\":\"superseded\",\"type\":" + concept("http://loinc.org", "18842-5") + "," + subject()
                + ",\"date\":\"2023-02-01T10:00:00Z\"," + content);
        of("DocumentReference", "\"status\":\"current\",\"subject\":" + reference("Patient", decoy) + "," + content);
        finds("DocumentReference?_id=" + note, note);
        finds("DocumentReference?patient=" + patient, note, old);
        finds("DocumentReference?patient=" + patient + "&category=clinical-note", note);
        finds("DocumentReference?patient=" + patient + "&type=http://loinc.org|18842-5", old);
        finds("DocumentReference?patient=" + patient + "&date=ge2024-01-01", note);
        finds("DocumentReference?patient=" + patient + "&status=superseded", old);

        String category = concept("http://hl7.org/fhir/us/core/CodeSystem/careplan-category", "assess-plan");
        String current = of("CarePlan", "\"status\":\"active\",\"intent\":\"plan\",\"category\":[" + category + "]," + subject()
                + ",\"period\":{\"start\":\"2024-01-01\",\"end\":\"2024-12-31\"}");
        String finished = of("CarePlan", "\"status\":\"completed\",\"intent\":\"plan\",\"category\":[" + category + "]," + subject()
                + ",\"period\":{\"start\":\"2020-01-01\",\"end\":\"2020-12-31\"}");
        of("CarePlan", "\"status\":\"active\",\"intent\":\"plan\",\"category\":[" + category + "],\"subject\":" + reference("Patient", decoy));
        finds("CarePlan?patient=" + patient + "&category=assess-plan", current, finished);
        finds("CarePlan?patient=" + patient + "&category=assess-plan&date=ge2024-06-01", current);
        finds("CarePlan?patient=" + patient + "&category=assess-plan&status=completed", finished);
        finds("CarePlan?patient=" + patient + "&category=assess-plan&status=completed&date=ge2024-01-01");
    }

    @Test
    void goalAndPractitioner() {
        String weight = of("Goal", "\"lifecycleStatus\":\"active\",\"description\":{\"coding\":[{\"system\":\"" + SNOMED + "\",\"code\":\"289169006\"}],"
                + "\"text\":\"Lose weight\"}," + subject() + ",\"target\":[{\"dueDate\":\"2025-01-01\"}]");
        String walking = of("Goal", "\"lifecycleStatus\":\"completed\",\"description\":{\"text\":\"Walk daily\"}," + subject()
                + ",\"target\":[{\"dueDate\":\"2023-06-01\"}]");
        of("Goal", "\"lifecycleStatus\":\"active\",\"description\":{\"text\":\"x\"},\"subject\":" + reference("Patient", decoy));
        finds("Goal?patient=" + patient, weight, walking);
        finds("Goal?patient=" + patient + "&lifecycle-status=active", weight);
        finds("Goal?patient=" + patient + "&target-date=2025-01-01", weight);
        finds("Goal?patient=" + patient + "&description=" + SNOMED + "|289169006", weight);
        finds("Goal?patient=" + patient + "&description:text=walk", walking);

        String practitioner = of("Practitioner", "\"identifier\":[{\"system\":\"http://hl7.org/fhir/sid/us-npi\",\"value\":\"npi-" + tag + "\"}],"
                + "\"name\":[{\"family\":\"Healer" + tag + "\",\"given\":[\"Hana\"]}]");
        finds("Practitioner?name=healer" + tag, practitioner);
        finds("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|npi-" + tag, practitioner);
    }
}
