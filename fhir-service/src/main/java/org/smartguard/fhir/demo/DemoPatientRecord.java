package org.smartguard.fhir.demo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * A small clinical record for {@code Patient/demo-patient}, so the demo app has something to show: body weight, heart
 * rate and blood pressure on three dates (LOINC, category vital-signs, UCUM units), one active medication and one
 * allergy. Fixed ids and dates, so seeding is repeatable. DEMO ONLY; a Synthea population will replace it.
 * <p>
 * Blood pressure is written as its systolic and diastolic observations, not as the 85354-9 panel with two
 * components: the fhir-service cannot index an Observation with two component quantities yet (HAPI's FHIRPath union
 * compares them through a UCUM service that HapiWorkerContext does not provide).
 */
final class DemoPatientRecord {

    static final String PATIENT = "Patient/demo-patient";
    static final String PRACTITIONER = "Practitioner/demo-clinician";
    /** The resource types written here, for the seeder's scope. */
    static final List<String> TYPES = List.of("Observation", "MedicationRequest", "AllergyIntolerance");

    private static final String LOINC = "http://loinc.org";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    /** date, weight (kg), heart rate (/min), systolic and diastolic pressure (mm[Hg]) */
    private record Visit(String date, String weight, int heartRate, int systolic, int diastolic) {
    }

    private static final List<Visit> VISITS = List.of(
            new Visit("2025-09-15", "68.2", 74, 131, 86),
            new Visit("2026-01-20", "67.4", 70, 126, 82),
            new Visit("2026-05-12", "66.8", 66, 119, 77));

    private DemoPatientRecord() {
    }

    /** Every resource of the record, each with its id set. */
    static List<DomainResource> resources() {
        List<DomainResource> resources = new ArrayList<>();
        for (Visit visit : VISITS) {
            resources.add(vitalSign("demo-patient-weight-" + visit.date(), visit.date(), "29463-7", "Body weight")
                    .setValue(quantity(visit.weight(), "kg", "kg")));
            resources.add(vitalSign("demo-patient-heart-rate-" + visit.date(), visit.date(), "8867-4", "Heart rate")
                    .setValue(quantity(Integer.toString(visit.heartRate()), "beats/minute", "/min")));
            resources.add(vitalSign("demo-patient-systolic-" + visit.date(), visit.date(), "8480-6", "Systolic blood pressure")
                    .setValue(quantity(Integer.toString(visit.systolic()), "mmHg", "mm[Hg]")));
            resources.add(vitalSign("demo-patient-diastolic-" + visit.date(), visit.date(), "8462-4", "Diastolic blood pressure")
                    .setValue(quantity(Integer.toString(visit.diastolic()), "mmHg", "mm[Hg]")));
        }
        resources.add(medication());
        resources.add(allergy());
        return resources;
    }

    private static Observation vitalSign(String id, String date, String code, String display) {
        Observation observation = new Observation();
        observation.setId(id);
        observation.setStatus(ObservationStatus.FINAL);
        observation.addCategory(new CodeableConcept(new Coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")));
        observation.setCode(loinc(code, display));
        observation.setSubject(new Reference(PATIENT));
        observation.setEffective(new DateTimeType(date));
        return observation;
    }

    private static MedicationRequest medication() {
        MedicationRequest request = new MedicationRequest();
        request.setId("demo-patient-lisinopril");
        request.setStatus(MedicationRequestStatus.ACTIVE);
        request.setIntent(MedicationRequestIntent.ORDER);
        request.setMedication(new CodeableConcept(new Coding(RXNORM, "314076", "lisinopril 10 MG Oral Tablet"))
                .setText("Lisinopril 10 mg tablet"));
        request.setSubject(new Reference(PATIENT));
        request.setAuthoredOnElement(new DateTimeType("2026-01-20"));
        request.setRequester(new Reference(PRACTITIONER));
        request.addDosageInstruction().setText("1 tablet by mouth once a day");
        return request;
    }

    private static AllergyIntolerance allergy() {
        AllergyIntolerance allergy = new AllergyIntolerance();
        allergy.setId("demo-patient-penicillin-allergy");
        allergy.setClinicalStatus(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active")));
        allergy.setVerificationStatus(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed")));
        allergy.setType(AllergyIntoleranceType.ALLERGY);
        allergy.addCategory(AllergyIntoleranceCategory.MEDICATION);
        allergy.setCriticality(AllergyIntoleranceCriticality.HIGH);
        allergy.setCode(new CodeableConcept(new Coding(RXNORM, "7980", "Penicillin G")).setText("Penicillin"));
        allergy.setPatient(new Reference(PATIENT));
        allergy.addReaction().addManifestation(new CodeableConcept(new Coding(SNOMED, "126485001", "Urticaria"))
                .setText("Hives"));
        return allergy;
    }

    private static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept(new Coding(LOINC, code, display)).setText(display);
    }

    private static Quantity quantity(String value, String unit, String ucumCode) {
        return new Quantity().setValue(new BigDecimal(value)).setUnit(unit).setSystem(UCUM).setCode(ucumCode);
    }
}
