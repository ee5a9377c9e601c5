package org.smartguard.gateway.ratelimit;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.gateway.patient.PatientOfRequest;


/** Whose budget a request spends: the patient it is about ({@link PatientOfRequest}), else the token's subject. */
final class RateLimitKeys {

    private RateLimitKeys() {
    }

    /** @param patient the request's patient ({@link PatientOfRequest}), or null */
    static String subjectOf(ValidatedToken token, String patient) {
        if (patient != null) {
            return "patient:" + patient;
        }
        return token.subject() != null ? "subject:" + token.subject() : "client:" + token.clientId();
    }
}
