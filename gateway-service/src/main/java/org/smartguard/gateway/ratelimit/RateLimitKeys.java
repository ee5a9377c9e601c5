package org.smartguard.gateway.ratelimit;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.gateway.patient.PatientOfRequest;

import io.vertx.core.http.HttpServerRequest;

/** Whose budget a request spends: the patient it is about ({@link PatientOfRequest}), else the token's subject. */
final class RateLimitKeys {

    private RateLimitKeys() {
    }

    static String subjectOf(ValidatedToken token, HttpServerRequest request) {
        String patient = PatientOfRequest.of(token, request);
        if (patient != null) {
            return "patient:" + patient;
        }
        return token.subject() != null ? "subject:" + token.subject() : "client:" + token.clientId();
    }
}
