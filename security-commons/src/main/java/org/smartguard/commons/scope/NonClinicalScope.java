package org.smartguard.commons.scope;

import java.util.Arrays;
import java.util.Optional;

/** The launch-context, identity and refresh scopes of SMART App Launch 2.x this suite understands. */
public enum NonClinicalScope implements SmartScope {
    OPENID("openid", "Know who you are"),
    FHIR_USER("fhirUser", "Know who you are"),
    /** Legacy OpenID Connect profile claims; SMART 2 prefers {@code fhirUser}. */
    PROFILE("profile", "See your name and profile"),
    /** EHR launch: the app receives the context the EHR session has open. */
    LAUNCH("launch", "Know what is open in your EHR when the app starts"),
    LAUNCH_PATIENT("launch/patient", "Know which patient's record to work with"),
    LAUNCH_ENCOUNTER("launch/encounter", "Know which visit to work with"),
    OFFLINE_ACCESS("offline_access", "Stay signed in (keep access when you are away)"),
    ONLINE_ACCESS("online_access", "Stay signed in while you are using it");

    private final String scope;
    private final String description;

    NonClinicalScope(String scope, String description) {
        this.scope = scope;
        this.description = description;
    }

    static Optional<NonClinicalScope> fromScope(String scope) {
        return Arrays.stream(values()).filter(known -> known.scope.equals(scope)).findFirst();
    }

    @Override
    public String describe() {
        return description;
    }

    /** The scope string, e.g. {@code offline_access}. */
    @Override
    public String toString() {
        return scope;
    }
}
