package org.smartguard.commons.audit;

import static org.smartguard.commons.audit.AuditCodes.AUDIT_EVENT_TYPE;
import static org.smartguard.commons.audit.AuditCodes.DICOM;
import static org.smartguard.commons.audit.AuditCodes.IHE_EVENT_TYPE;
import static org.smartguard.commons.audit.AuditCodes.RESTFUL_INTERACTION;
import static org.smartguard.commons.audit.AuditCodes.SMARTGUARD_SUBTYPE;

import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.Coding;

/**
 * What happened, as AuditEvent type, subtype and action. RESTful interactions follow IHE BALP (type
 * {@code rest}, subtype from {@code restful-interaction}); logins follow DICOM; the token lifecycle uses
 * IHE IUA's "Get Access Token" (consent, code and launch steps included, each with its own subtype); refusals are
 * DICOM security alerts with this suite's own subtype.
 */
public enum AuditEventType {
    REST_READ(rest(), interaction("read"), AuditEventAction.R),
    REST_VREAD(rest(), interaction("vread"), AuditEventAction.R),
    REST_SEARCH(rest(), interaction("search-type"), AuditEventAction.E),
    REST_HISTORY(rest(), interaction("history-instance"), AuditEventAction.R),
    REST_HISTORY_TYPE(rest(), interaction("history-type"), AuditEventAction.E),
    REST_HISTORY_SYSTEM(rest(), interaction("history-system"), AuditEventAction.E),
    REST_CREATE(rest(), interaction("create"), AuditEventAction.C),
    REST_UPDATE(rest(), interaction("update"), AuditEventAction.U),
    REST_PATCH(rest(), interaction("patch"), AuditEventAction.U),
    REST_DELETE(rest(), interaction("delete"), AuditEventAction.D),
    REST_OPERATION(rest(), interaction("operation"), AuditEventAction.E),
    /**
     * Bulk Data {@code $export}: the kick-off, the finished job (the resources prepared for the client, its
     * {@code Result-Count}), each output file served and a job cancelled or deleted. BALP has no codes for them, so
     * they are RESTful events with this suite's subtypes, which staff can search for.
     */
    BULK_EXPORT_KICKOFF(rest(), own("bulk-export-kickoff", "Bulk Data export requested"), AuditEventAction.E),
    BULK_EXPORT_COMPLETED(rest(), own("bulk-export-completed", "Bulk Data export prepared"), AuditEventAction.E),
    BULK_EXPORT_DOWNLOAD(rest(), own("bulk-export-download", "Bulk Data export file served"), AuditEventAction.R),
    BULK_EXPORT_CANCEL(rest(), own("bulk-export-cancel", "Bulk Data export cancelled or deleted"), AuditEventAction.D),
    LOGIN(userAuthentication(), new Coding(DICOM, "110122", "Login"), AuditEventAction.E),
    LOGOUT(userAuthentication(), new Coding(DICOM, "110123", "Logout"), AuditEventAction.E),
    /** The steps of a SMART authorization before its token, each with a subtype of its own so they can be told apart. */
    CONSENT_GRANTED(getAccessToken(), own("consent-granted", "Consent granted"), AuditEventAction.C),
    CONSENT_DENIED(getAccessToken(), own("consent-denied", "Consent denied"), AuditEventAction.E),
    CODE_ISSUED(getAccessToken(), own("code-issued", "Authorization code issued"), AuditEventAction.C),
    LAUNCH_REGISTERED(getAccessToken(), own("launch-registered", "EHR launch context registered"), AuditEventAction.C),
    TOKEN_ISSUED(getAccessToken(), own("token-issued", "Token issued"), AuditEventAction.C),
    TOKEN_REFRESHED(getAccessToken(), own("token-refreshed", "Token refreshed"), AuditEventAction.C),
    TOKEN_REVOKED(getAccessToken(), own("token-revoked", "Token revoked"), AuditEventAction.D),
    ACCESS_DENIED(securityAlert(), own("access-denied", "Access denied"), AuditEventAction.E),
    RATE_LIMITED(securityAlert(), own("rate-limited", "Rate limited"), AuditEventAction.E),
    /** A client registered, a user created, a signing key made: DICOM's "Security Configuration" alert. */
    SECURITY_CONFIGURATION_CREATED(securityAlert(), securityConfiguration(), AuditEventAction.C),
    SECURITY_CONFIGURATION_UPDATED(securityAlert(), securityConfiguration(), AuditEventAction.U),
    SECURITY_CONFIGURATION_DELETED(securityAlert(), securityConfiguration(), AuditEventAction.D);

    private final Coding type;
    private final Coding subtype;
    private final AuditEventAction action;

    AuditEventType(Coding type, Coding subtype, AuditEventAction action) {
        this.type = type;
        this.subtype = subtype;
        this.action = action;
    }

    /** A fresh copy: HAPI model objects are mutable and each event must own its codings. */
    public Coding type() {
        return type.copy();
    }

    public Coding subtype() {
        return subtype.copy();
    }

    public AuditEventAction action() {
        return action;
    }

    private static Coding rest() {
        return new Coding(AUDIT_EVENT_TYPE, "rest", "RESTful Operation");
    }

    private static Coding interaction(String code) {
        return new Coding(RESTFUL_INTERACTION, code, code);
    }

    private static Coding userAuthentication() {
        return new Coding(DICOM, "110114", "User Authentication");
    }

    private static Coding getAccessToken() {
        return new Coding(IHE_EVENT_TYPE, "ITI-71", "Get Access Token");
    }

    private static Coding securityAlert() {
        return new Coding(DICOM, "110113", "Security Alert");
    }

    private static Coding securityConfiguration() {
        return new Coding(DICOM, "110129", "Security Configuration");
    }

    private static Coding own(String code, String display) {
        return new Coding(SMARTGUARD_SUBTYPE, code, display);
    }
}
