package org.smartguard.gateway.patient;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.smartguard.commons.jwt.ValidatedToken;

import io.vertx.core.http.HttpServerRequest;

/**
 * The patient a request is about, as far as the gateway can tell without parsing FHIR: a patient-context token's
 * {@code patient} claim is final (nothing the client sends can change it); a user or system token's request names
 * its patient by {@code X-Patient-Context}, a {@code Patient/{id}} path, or a {@code patient=}/{@code subject=}
 * parameter. Client-supplied ids must look like FHIR ids, so what is recorded stays short and plain.
 */
public final class PatientOfRequest {

    public static final String PATIENT_CONTEXT = "X-Patient-Context";
    private static final Pattern FHIR_ID = Pattern.compile("(?:Patient/)?([A-Za-z0-9\\-.]{1,64})");
    private static final Pattern PATIENT_PATH = Pattern.compile("/Patient/([^/]+)");

    private PatientOfRequest() {
    }

    /** The patient id, or null when the request names none. */
    public static String of(ValidatedToken token, HttpServerRequest request) {
        if (token.patient() != null) {
            return token.patient();
        }
        return firstFhirId(request.getHeader(PATIENT_CONTEXT), patientInPath(request.path()),
                request.getParam("patient"), request.getParam("subject"));
    }

    private static String patientInPath(String path) {
        Matcher matcher = PATIENT_PATH.matcher(path);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static String firstFhirId(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                Matcher matcher = FHIR_ID.matcher(candidate);
                if (matcher.matches()) {
                    return matcher.group(1);
                }
            }
        }
        return null;
    }
}
