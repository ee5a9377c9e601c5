package org.smartguard.commons.audit;

import java.util.List;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityDetailComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventSourceComponent;
import org.hl7.fhir.r4.model.BackboneElement;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.smartguard.commons.json.JsonStrings;

/**
 * Writes the AuditEvents {@link AuditEventBuilder} produces as JSON, byte for byte what HAPI's
 * {@code encodeResourceToString} writes (element order, omission of empty elements, Jackson's escaping), about
 * ten times faster: HAPI's generic encoder walks the model by reflection and was most of the gateway's CPU time
 * per request. Primitive values are taken from {@code getValueAsString()}, the text HAPI itself writes (dates,
 * codes, base64), so formats cannot drift. An event with anything else in it (extensions, element ids, meta,
 * elements the builder never sets) is not this class's business: {@link #write} returns null and the caller
 * uses HAPI. AuditEventJsonWriterTest compares both over thousands of generated events.
 */
final class AuditEventJsonWriter {


    private AuditEventJsonWriter() {
    }

    /** The event as HAPI would write it on one line, or null when the event has elements this writer does not know. */
    static String write(AuditEvent event) {
        if (!supported(event)) {
            return null;
        }
        StringBuilder out = new StringBuilder(2048);
        out.append("{\"resourceType\":\"AuditEvent\"");
        String id = event.getIdElement().getIdPart();
        if (id != null && !id.isBlank()) {
            out.append(",\"id\":");
            JsonStrings.quote(out, id);
        }
        if (!event.getType().isEmpty()) {
            out.append(",\"type\":");
            coding(out, event.getType());
        }
        codings(out, "subtype", event.getSubtype());
        primitive(out, "action", event.getActionElement());
        primitive(out, "recorded", event.getRecordedElement());
        primitive(out, "outcome", event.getOutcomeElement());
        primitive(out, "outcomeDesc", event.getOutcomeDescElement());
        if (anyPresent(event.getAgent())) {
            out.append(",\"agent\":[");
            boolean first = true;
            for (AuditEventAgentComponent agent : event.getAgent()) {
                if (!agent.isEmpty()) {
                    first = comma(out, first);
                    agent(out, agent);
                }
            }
            out.append(']');
        }
        AuditEventSourceComponent source = event.getSource();
        if (!source.isEmpty()) {
            out.append(",\"source\":{");
            int mark = out.length();
            reference(out, "observer", source.getObserver());
            codings(out, "type", source.getType());
            close(out, mark);
        }
        if (anyPresent(event.getEntity())) {
            out.append(",\"entity\":[");
            boolean first = true;
            for (AuditEventEntityComponent entity : event.getEntity()) {
                if (!entity.isEmpty()) {
                    first = comma(out, first);
                    entity(out, entity);
                }
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    private static void agent(StringBuilder out, AuditEventAgentComponent agent) {
        out.append('{');
        int mark = out.length();
        CodeableConcept type = agent.getType();
        if (!type.isEmpty()) {
            out.append(",\"type\":{");
            int typeMark = out.length();
            codings(out, "coding", type.getCoding());
            close(out, typeMark);
        }
        reference(out, "who", agent.getWho());
        BooleanType requestor = agent.getRequestorElement();
        if (present(requestor)) {
            out.append(",\"requestor\":").append(requestor.getValueAsString());
        }
        if (agent.getPolicy().stream().anyMatch(AuditEventJsonWriter::present)) {
            out.append(",\"policy\":[");
            boolean first = true;
            for (UriType policy : agent.getPolicy()) {
                if (present(policy)) {
                    first = comma(out, first);
                    JsonStrings.quote(out, policy.getValueAsString());
                }
            }
            out.append(']');
        }
        AuditEventAgentNetworkComponent network = agent.getNetwork();
        if (!network.isEmpty()) {
            out.append(",\"network\":{");
            int networkMark = out.length();
            primitive(out, "address", network.getAddressElement());
            primitive(out, "type", network.getTypeElement());
            close(out, networkMark);
        }
        close(out, mark);
    }

    private static void entity(StringBuilder out, AuditEventEntityComponent entity) {
        out.append('{');
        int mark = out.length();
        reference(out, "what", entity.getWhat());
        if (!entity.getType().isEmpty()) {
            out.append(",\"type\":");
            coding(out, entity.getType());
        }
        if (!entity.getRole().isEmpty()) {
            out.append(",\"role\":");
            coding(out, entity.getRole());
        }
        primitive(out, "query", entity.getQueryElement());
        if (anyPresent(entity.getDetail())) {
            out.append(",\"detail\":[");
            boolean first = true;
            for (AuditEventEntityDetailComponent detail : entity.getDetail()) {
                if (!detail.isEmpty()) {
                    first = comma(out, first);
                    out.append('{');
                    int detailMark = out.length();
                    primitive(out, "type", detail.getTypeElement());
                    if (detail.getValue() instanceof StringType value) {
                        primitive(out, "valueString", value);
                    }
                    close(out, detailMark);
                }
            }
            out.append(']');
        }
        close(out, mark);
    }

    private static void reference(StringBuilder out, String name, Reference reference) {
        if (reference.isEmpty()) {
            return;
        }
        out.append(",\"").append(name).append("\":{");
        int mark = out.length();
        primitive(out, "reference", reference.getReferenceElement_());
        Identifier identifier = reference.getIdentifier();
        if (!identifier.isEmpty()) {
            out.append(",\"identifier\":{");
            int identifierMark = out.length();
            primitive(out, "system", identifier.getSystemElement());
            primitive(out, "value", identifier.getValueElement());
            close(out, identifierMark);
        }
        primitive(out, "display", reference.getDisplayElement());
        close(out, mark);
    }

    private static void codings(StringBuilder out, String name, List<Coding> codings) {
        if (!anyPresent(codings)) {
            return;
        }
        out.append(",\"").append(name).append("\":[");
        boolean first = true;
        for (Coding coding : codings) {
            if (!coding.isEmpty()) {
                first = comma(out, first);
                coding(out, coding);
            }
        }
        out.append(']');
    }

    private static void coding(StringBuilder out, Coding coding) {
        out.append('{');
        int mark = out.length();
        primitive(out, "system", coding.getSystemElement());
        primitive(out, "code", coding.getCodeElement());
        primitive(out, "display", coding.getDisplayElement());
        close(out, mark);
    }

    /** A primitive as a JSON string, if HAPI would write it. */
    private static void primitive(StringBuilder out, String name, PrimitiveType<?> value) {
        if (present(value)) {
            out.append(",\"").append(name).append("\":");
            JsonStrings.quote(out, value.getValueAsString());
        }
    }

    /** Ends an object whose members were each written with a leading comma: the first one loses it. */
    private static void close(StringBuilder out, int mark) {
        if (out.length() > mark) {
            out.deleteCharAt(mark);
        }
        out.append('}');
    }

    private static boolean comma(StringBuilder out, boolean first) {
        if (!first) {
            out.append(',');
        }
        return false;
    }

    /**
     * HAPI writes a primitive whose text is not empty, even blank, once its parent is written; but a composite is
     * written only when {@code isEmpty()} is false, and that treats blank primitives as empty.
     */
    private static boolean present(PrimitiveType<?> value) {
        if (value == null) {
            return false;
        }
        String text = value.getValueAsString();
        return text != null && !text.isEmpty();
    }

    private static boolean anyPresent(List<? extends org.hl7.fhir.r4.model.Base> elements) {
        for (org.hl7.fhir.r4.model.Base element : elements) {
            if (!element.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ---- what this writer knows: the builder's elements, no ids or extensions anywhere ----

    private static boolean supported(AuditEvent event) {
        if (event.hasMeta() || event.hasImplicitRules() || event.hasLanguage() || event.hasText() || event.hasContained()
                || event.hasExtension() || event.hasModifierExtension() || event.hasPeriod() || event.hasPurposeOfEvent()
                || event.getIdElement().hasVersionIdPart() || event.getIdElement().hasBaseUrl()) {
            return false;
        }
        if (!plainCoding(event.getType()) || !allPlainCodings(event.getSubtype()) || !plain(event.getActionElement())
                || !plain(event.getRecordedElement()) || !plain(event.getOutcomeElement()) || !plain(event.getOutcomeDescElement())) {
            return false;
        }
        for (AuditEventAgentComponent agent : event.getAgent()) {
            if (!plainAgent(agent)) {
                return false;
            }
        }
        AuditEventSourceComponent source = event.getSource();
        if (!plain(source) || source.hasSite() || !plainReference(source.getObserver()) || !allPlainCodings(source.getType())) {
            return false;
        }
        for (AuditEventEntityComponent entity : event.getEntity()) {
            if (!plainEntity(entity)) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainAgent(AuditEventAgentComponent agent) {
        if (!plain(agent) || agent.hasRole() || agent.hasAltId() || agent.hasName() || agent.hasLocation() || agent.hasMedia()
                || agent.hasPurposeOfUse() || !plain(agent.getRequestorElement())) {
            return false;
        }
        CodeableConcept type = agent.getType();
        if (!plain(type) || type.hasText() || !allPlainCodings(type.getCoding()) || !plainReference(agent.getWho())) {
            return false;
        }
        for (UriType policy : agent.getPolicy()) {
            if (!plain(policy)) {
                return false;
            }
        }
        AuditEventAgentNetworkComponent network = agent.getNetwork();
        return plain(network) && plain(network.getAddressElement()) && plain(network.getTypeElement());
    }

    private static boolean plainEntity(AuditEventEntityComponent entity) {
        if (!plain(entity) || entity.hasLifecycle() || entity.hasSecurityLabel() || entity.hasName() || entity.hasDescription()
                || !plainReference(entity.getWhat()) || !plainCoding(entity.getType()) || !plainCoding(entity.getRole())
                || !plain(entity.getQueryElement())) {
            return false;
        }
        for (AuditEventEntityDetailComponent detail : entity.getDetail()) {
            if (!plain(detail) || !plain(detail.getTypeElement())
                    || (detail.hasValue() && !(detail.getValue() instanceof StringType value && plain(value)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainReference(Reference reference) {
        if (!plain(reference) || reference.hasType() || reference.getResource() != null || !plain(reference.getReferenceElement_())
                || !plain(reference.getDisplayElement())) {
            return false;
        }
        if (reference.hasReference() && reference.getReference().startsWith("#")) {
            // a reference to a contained resource: HAPI checks it against the contained ones
            return false;
        }
        Identifier identifier = reference.getIdentifier();
        return plain(identifier) && !identifier.hasUse() && !identifier.hasType() && !identifier.hasPeriod()
                && !identifier.hasAssigner() && plain(identifier.getSystemElement()) && plain(identifier.getValueElement());
    }

    private static boolean allPlainCodings(List<Coding> codings) {
        for (Coding coding : codings) {
            if (!plainCoding(coding)) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainCoding(Coding coding) {
        return plain(coding) && !coding.hasVersion() && !coding.hasUserSelected() && plain(coding.getSystemElement())
                && plain(coding.getCodeElement()) && plain(coding.getDisplayElement());
    }

    /** No element id and no extensions: nothing HAPI would write besides the value or children. */
    private static boolean plain(Element element) {
        if (element == null) {
            return true;
        }
        if (element.hasId() || element.hasExtension()) {
            return false;
        }
        return !(element instanceof BackboneElement backbone) || !backbone.hasModifierExtension();
    }
}
