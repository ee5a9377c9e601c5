package org.smartguard.fhir.demo;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.jboss.logging.Logger;
import org.smartguard.fhir.security.SmartContext;
import org.smartguard.fhir.storage.ResourceService;
import org.smartguard.fhir.storage.StoredResource;

import io.quarkus.runtime.StartupEvent;

/**
 * The FHIR resources the auth-service's demo users stand for ({@code Patient/demo-patient},
 * {@code Practitioner/demo-clinician}), created when missing so their {@code fhirUser} resolves, and the demo
 * patient's small clinical record ({@link DemoPatientRecord}) for the demo app. DEMO ONLY: on when
 * {@code smartguard.fhir.demo.enabled=true}, which only {@code ./suite up} sets. Written through the normal
 * authorization and audit path, as an internal job with a narrow system scope.
 */
@ApplicationScoped
public class DemoResources {

    private static final Logger LOG = Logger.getLogger(DemoResources.class);

    private final boolean enabled;
    private final ResourceService resources;
    private final SmartContext context;

    DemoResources(@ConfigProperty(name = "smartguard.fhir.demo.enabled", defaultValue = "false") boolean enabled,
            ResourceService resources, SmartContext context) {
        this.enabled = enabled;
        this.resources = resources;
        this.context = context;
    }

    void onStart(@Observes StartupEvent start) {
        if (enabled) {
            seed();
        }
    }

    @ActivateRequestContext
    @Transactional
    void seed() {
        context.actAsInternalJob("fhir-service-demo-seeder", "system/Patient.cu system/Practitioner.cu "
                + DemoPatientRecord.TYPES.stream().map(type -> "system/" + type + ".cu").collect(Collectors.joining(" ")));
        if (StoredResource.findCurrent("Patient", "demo-patient").isEmpty()) {
            Patient patient = new Patient();
            patient.setId("demo-patient");
            patient.addName(new HumanName().setFamily("Demo").addGiven("Pat"));
            patient.setGender(AdministrativeGender.FEMALE);
            patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-04-12"));
            resources.update("Patient", "demo-patient", patient, null);
            LOG.info("demo data: created Patient/demo-patient");
        }
        if (StoredResource.findCurrent("Practitioner", "demo-clinician").isEmpty()) {
            Practitioner practitioner = new Practitioner();
            practitioner.setId("demo-clinician");
            practitioner.addName(new HumanName().setFamily("Clinician").addGiven("Dana").addPrefix("Dr."));
            resources.update("Practitioner", "demo-clinician", practitioner, null);
            LOG.info("demo data: created Practitioner/demo-clinician");
        }
        int created = 0;
        for (DomainResource resource : DemoPatientRecord.resources()) {
            String type = resource.fhirType();
            String id = resource.getIdElement().getIdPart();
            if (StoredResource.findCurrent(type, id).isEmpty()) {
                resources.update(type, id, resource, null);
                created++;
            }
        }
        if (created > 0) {
            LOG.infof("demo data: created %d resources of Patient/demo-patient's record", created);
        }
    }
}
