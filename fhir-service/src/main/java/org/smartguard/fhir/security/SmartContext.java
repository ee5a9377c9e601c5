package org.smartguard.fhir.security;

import jakarta.enterprise.context.RequestScoped;

import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.scope.SmartScopes;

/** The checked token of the current request and the scopes it grants (unknown scopes grant nothing). */
@RequestScoped
public class SmartContext {

    private final GrantedScopes grantedScopes;
    private ValidatedToken token;
    private SmartScopes scopes = SmartScopes.none();
    private String patientHint;

    SmartContext(GrantedScopes grantedScopes) {
        this.grantedScopes = grantedScopes;
    }

    void set(ValidatedToken token, String patientHint) {
        this.token = token;
        this.scopes = grantedScopes.of(token.scope());
        this.patientHint = patientHint;
    }

    public ValidatedToken token() {
        if (token == null) {
            throw SmartRefusal.missingToken();
        }
        return token;
    }

    /**
     * Acts, for the rest of this request context, with the given claims: a Bulk Data export job, run in the background
     * long after its kick-off request, acts with the claims and the export-eligible scopes stored at kick-off, so its
     * authorization and audit are those of the client that started it, never more.
     */
    public void actAs(ValidatedToken token, String patientHint) {
        set(token, patientHint);
    }

    /** The token, or null before authentication (refusals are audited too). */
    public ValidatedToken tokenOrNull() {
        return token;
    }

    public SmartScopes scopes() {
        return scopes;
    }

    /** The gateway's {@code X-FHIR-Patient} hint: it may narrow what the token allows, never widen it. */
    public String patientHint() {
        return patientHint;
    }
}
