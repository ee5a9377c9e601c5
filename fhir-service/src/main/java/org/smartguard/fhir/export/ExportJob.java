package org.smartguard.fhir.export;

import java.time.Instant;
import java.util.UUID;

import org.smartguard.commons.jwt.ValidatedToken;

/**
 * One row of {@code export_job}: a job's state, who started it (the claims it acts with) and its progress.
 *
 * @param state one of the {@code STATE_*} constants
 */
record ExportJob(UUID id, String state, String request, String parameters, String clientId, String subject, String fhirUser,
        String tokenJti, String scope, String patientHint, int typesDone, int typesTotal, long resources, Instant transactionTime,
        Instant created, Instant expires, String error) {

    static final String ACCEPTED = "accepted";
    static final String IN_PROGRESS = "in-progress";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    /** Whether the caller's token is the one that started the job: same client, same subject. */
    boolean belongsTo(ValidatedToken token) {
        return clientId.equals(token.clientId()) && subject.equals(token.subject());
    }

    /** The claims the job acts with: those of its kick-off token, with only its export-eligible scopes. */
    ValidatedToken actingToken() {
        return new ValidatedToken(subject, tokenJti, clientId, scope, null, null, fhirUser, Instant.MAX);
    }

    /** {@code X-Progress}: where the job is, in words. */
    String progress() {
        return ACCEPTED.equals(state) ? "queued" : "in progress: " + typesDone + " of " + typesTotal + " types, " + resources + " resources";
    }
}
