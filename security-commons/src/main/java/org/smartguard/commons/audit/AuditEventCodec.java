package org.smartguard.commons.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.smartguard.commons.fhir.FhirR4;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;

/**
 * Checks an AuditEvent against the suite's contract and turns it into JSON (one line, every string escaped) with
 * HAPI's parser; the events services emit are written faster, straight from their builder
 * ({@link AuditEventBuilder#encode()}). The contract is what consumers rely on: a UUID id, the R4 required elements
 * (type, recorded, at least one agent, source observer), an action, an outcome and exactly one requestor.
 */
public final class AuditEventCodec {

    private static final String PATIENT_ROLE = "1";

    public EncodedAuditEvent encode(AuditEvent event) {
        checkContract(event);
        String json;
        try {
            json = parser().encodeResourceToString(event);
        } catch (RuntimeException e) {
            throw new AuditEventRejectedException("audit event " + describe(event) + " cannot be serialized: " + e.getMessage(), e);
        }
        return new EncodedAuditEvent(event.getIdElement().getIdPart(), keyOf(event), json);
    }

    /**
     * The contract check alone, for consumers of events already in JSON: serializing again only to check would cost
     * as much as the parse (half of the audit-service's ingest CPU).
     */
    public void checkContract(AuditEvent event) {
        List<String> problems = contractViolations(event);
        if (!problems.isEmpty()) {
            throw new AuditEventRejectedException("audit event " + describe(event) + " rejected: " + String.join("; ", problems));
        }
    }

    /** Strict parse of an event read back from the topic or the store. */
    public AuditEvent decode(String json) {
        return parser().parseResource(AuditEvent.class, json);
    }

    /** The patient of the event, else the requestor's subject or client id, else the observer. */
    public static String keyOf(AuditEvent event) {
        for (AuditEventEntityComponent entity : event.getEntity()) {
            if (entity.hasRole() && PATIENT_ROLE.equals(entity.getRole().getCode()) && entity.getWhat().hasReference()) {
                return entity.getWhat().getReferenceElement().getIdPart();
            }
        }
        for (AuditEventAgentComponent agent : event.getAgent()) {
            if (agent.getRequestor() && agent.getWho().hasIdentifier()) {
                return agent.getWho().getIdentifier().getValue();
            }
        }
        return event.getSource().getObserver().getDisplay();
    }

    private static List<String> contractViolations(AuditEvent event) {
        List<String> problems = new ArrayList<>();
        if (!event.hasIdElement() || !isUuid(event.getIdElement().getIdPart())) {
            problems.add("id must be a UUID");
        }
        if (!event.hasType()) {
            problems.add("type is required");
        }
        if (!event.hasAction()) {
            problems.add("action is required");
        }
        if (!event.hasRecorded()) {
            problems.add("recorded is required");
        }
        if (!event.hasOutcome()) {
            problems.add("outcome is required");
        }
        long requestors = event.getAgent().stream().filter(AuditEventAgentComponent::getRequestor).count();
        if (requestors != 1) {
            problems.add("exactly one agent must be the requestor (found " + requestors + ")");
        }
        if (!event.getSource().hasObserver() || !event.getSource().getObserver().hasDisplay()) {
            problems.add("source.observer is required");
        }
        return problems;
    }

    private static boolean isUuid(String id) {
        if (id == null) {
            return false;
        }
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(AuditEvent event) {
        return event.hasIdElement() ? AuditText.clean(event.getIdElement().getIdPart()) : "(no id)";
    }

    private static IParser parser() {
        // parsers are cheap and not thread-safe; the context behind them is shared
        // strict: what HAPI would only warn about (an extension without url, an unknown element) is an error;
        // references keep their version: an audit trail must say which version was read
        return FhirR4.context().newJsonParser().setPrettyPrint(false).setParserErrorHandler(new StrictErrorHandler())
                .setStripVersionsFromReferences(false);
    }
}
