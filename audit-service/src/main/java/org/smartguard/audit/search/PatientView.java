package org.smartguard.audit.search;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Reference;
import org.smartguard.commons.fhir.FhirR4;

/**
 * What a patient sees of an access to their record: who (the user's FHIR resource, else the app), when, what was
 * done to which of their resources, why (purpose of use, where recorded), and whether it succeeded. Left out: network
 * addresses, token ids, user identifiers, the query text (it may name other records) and the request details.
 */
public final class PatientView {

    private static final String PATIENT_ROLE = "1";
    private static final String DOMAIN_RESOURCE_ROLE = "4";

    private PatientView() {
    }

    public static String of(String storedJson) {
        AuditEvent stored = FhirR4.context().newJsonParser().parseResource(AuditEvent.class, storedJson);
        AuditEvent view = new AuditEvent();
        view.setId(stored.getIdElement().getIdPart());
        view.setType(stored.getType());
        view.setSubtype(stored.getSubtype());
        view.setAction(stored.getAction());
        view.setRecordedElement(stored.getRecordedElement());
        view.setOutcome(stored.getOutcome());
        view.setPurposeOfEvent(stored.getPurposeOfEvent());
        for (AuditEventAgentComponent agent : stored.getAgent()) {
            Reference who = new Reference();
            if (agent.getWho().hasReference()) {
                who.setReference(agent.getWho().getReference());
            }
            if (agent.getWho().hasDisplay()) {
                who.setDisplay(agent.getWho().getDisplay());
            }
            view.addAgent().setType(agent.getType()).setWho(who).setRequestor(agent.getRequestor())
                    .setPurposeOfUse(agent.getPurposeOfUse());
        }
        view.getSource().setObserver(new Reference().setDisplay(stored.getSource().getObserver().getDisplay()));
        for (AuditEventEntityComponent entity : stored.getEntity()) {
            String role = entity.getRole().getCode();
            if ((PATIENT_ROLE.equals(role) || DOMAIN_RESOURCE_ROLE.equals(role)) && entity.getWhat().hasReference()) {
                view.addEntity().setWhat(new Reference(entity.getWhat().getReference())).setType(entity.getType())
                        .setRole(entity.getRole());
            }
        }
        return FhirR4.context().newJsonParser().encodeResourceToString(view);
    }
}
