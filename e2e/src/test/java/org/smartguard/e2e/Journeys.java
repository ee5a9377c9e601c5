package org.smartguard.e2e;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The browser journeys that several classes look at, each run once per stack: demo-patient's standalone launch (the
 * app's own checks, then the audit trail it left).
 */
final class Journeys {

    /** What a journey returned, and when it started (audit events of the journey are recorded after it). */
    record Run(Instant started, JsonNode result) {
    }

    private static Run standalonePatient;

    private Journeys() {
    }

    static synchronized Run standalonePatient(E2eStack stack) {
        if (standalonePatient == null) {
            Instant started = Instant.now();
            standalonePatient = new Run(started, BrowserJourney.run(stack, "standalone-patient"));
        }
        return standalonePatient;
    }
}
