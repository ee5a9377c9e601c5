package org.smartguard.audit.support;

import java.time.Instant;
import java.util.List;

import org.smartguard.commons.audit.AuditCodes;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.EncodedAuditEvent;

/** Audit events shaped as the auth-service, fhir-service and gateway send them, at chosen times, for the rules. */
public final class RuleEvents {

    private static final AuditEventCodec CODEC = new AuditEventCodec();
    private static final String ISSUER = "http://localhost:8080/auth";

    private RuleEvents() {
    }

    /** The fhir-service's read of one of the patient's resources by a practitioner. */
    public static EncodedAuditEvent practitionerRead(String user, String patient, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service")
                .recorded(at).user(ISSUER, user, "Practitioner/" + user).client("ehr-app", "10.1.0.1")
                .patient(patient).resource("Observation/" + patient + "-obs"));
    }

    /** A read without a patient (so keyed by the user: one partition, in order). */
    public static EncodedAuditEvent userRead(String user, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.REST_READ, "fhir-service")
                .recorded(at).user(ISSUER, user, "Practitioner/" + user).client("ehr-app", "10.1.0.1")
                .resource("Practitioner/" + user));
    }

    /** The fhir-service's search that returned {@code returned} resources. */
    public static EncodedAuditEvent search(String user, int returned, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.REST_SEARCH, "fhir-service")
                .recorded(at).user(ISSUER, user, "Practitioner/" + user).client("ehr-app", "10.1.0.1")
                .query("Observation?_count=1000").returned(returned));
    }

    /** The auth-service's failed login. */
    public static EncodedAuditEvent failedLogin(String username, String address, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "login-failed").recorded(at)
                .user(ISSUER, username, null).client("ehr-app", address));
    }

    /** The gateway's refusal or forwarded answer with {@code status}, for a client (or none) and maybe a patient. */
    public static EncodedAuditEvent gatewayAnswer(int status, String client, String address, String patient, Instant at) {
        AuditEventType type = status == 429 ? AuditEventType.RATE_LIMITED : AuditEventType.ACCESS_DENIED;
        return encode(AuditEventBuilder.event(type, "gateway-service")
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-GW-" + status + " (" + status + ")").recorded(at)
                .client(client, address).patient(patient).requestId("req-" + at.toEpochMilli()).status(status));
    }

    /** The auth-service's report of a rotated refresh token presented again. */
    public static EncodedAuditEvent refreshTokenReuse(String client, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.ACCESS_DENIED, "auth-service")
                .outcome(AuditOutcome.SERIOUS_FAILURE, AuditCodes.REFRESH_TOKEN_REUSE).recorded(at)
                .client(client, "10.2.0.1").user(ISSUER, "patient-user", "Patient/p1").patient("p1"));
    }

    /** The auth-service's report of an authorization code redeemed twice. */
    public static EncodedAuditEvent codeReplay(String client, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.TOKEN_REVOKED, "auth-service")
                .outcome(AuditOutcome.SERIOUS_FAILURE, AuditCodes.CODE_REPLAYED).recorded(at).client(client, "10.2.0.2"));
    }

    /** A successful token refresh: the same client, nothing wrong. */
    public static EncodedAuditEvent tokenRefreshed(String client, Instant at) {
        return encode(AuditEventBuilder.event(AuditEventType.TOKEN_REFRESHED, "auth-service")
                .outcome(AuditOutcome.SUCCESS, "token-refreshed").recorded(at).client(client, "10.2.0.3"));
    }

    public static List<EncodedAuditEvent> times(int count, java.util.function.IntFunction<EncodedAuditEvent> event) {
        return java.util.stream.IntStream.range(0, count).mapToObj(event).toList();
    }

    private static EncodedAuditEvent encode(AuditEventBuilder builder) {
        return CODEC.encode(builder.buildOne());
    }
}
