package org.smartguard.audit.access;

import org.smartguard.commons.jwt.ValidatedToken;

/** The authenticated caller of one request: the checked token and the role it was given. */
public record AuditCaller(ValidatedToken token, AuditRole role) {

    /** The patient whose record a {@link AuditRole#PATIENT} caller may see. */
    public String patient() {
        return token.patient();
    }

    /** Who acted, as recorded on an acknowledged alert: the user's FHIR resource, else the token's subject. */
    public String actor() {
        return token.fhirUser() != null ? token.fhirUser() : token.subject();
    }

    public boolean isStaff() {
        return role == AuditRole.SECURITY_STAFF;
    }
}
