package org.smartguard.commons.audit;

/** Code systems used by the audit events (IHE BALP, DICOM, FHIR terminology) and this suite's own. */
public final class AuditCodes {

    public static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    public static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    public static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    public static final String IHE_EVENT_TYPE = "urn:ihe:event-type-code";
    /** Subtypes BALP has no code for: consent, codes, launches, token lifecycle, refusals, rate limiting. */
    public static final String SMARTGUARD_SUBTYPE = "https://smartguard.org/fhir/CodeSystem/audit-subtype";

    public static final String SECURITY_ROLE_TYPE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    public static final String SECURITY_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    public static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    public static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    public static final String BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

    /** DICOM agent roles: the client application is the source, the server the destination. */
    public static final String DCM_SOURCE_ROLE = "110153";
    public static final String DCM_DESTINATION_ROLE = "110152";

    /**
     * Outcome codes the audit-service's token-replay rule reacts to: a rotated refresh token presented again, an
     * authorization code redeemed twice (both revoke the token family and mean a token has leaked).
     */
    public static final String REFRESH_TOKEN_REUSE = "refresh-token-reuse";
    public static final String CODE_REPLAYED = "invalid_grant:code-replayed";

    private AuditCodes() {
    }
}
