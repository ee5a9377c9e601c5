package org.smartguard.auth.demo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.users.AppUser;

/** What the database holds of the demo data, as one comparable value. */
@ApplicationScoped
public class DemoSnapshots {

    public record Snapshot(String patientPasswordHash, String patientFhirUser, String clinicianFhirUser, ClientType appType,
            String appRedirectUris, String appScopes, String backendJwks, String backendScopes) {
    }

    @Transactional
    public Snapshot snapshot() {
        AppUser patient = AppUser.findByUsername(DemoData.PATIENT).orElseThrow();
        AppUser clinician = AppUser.findByUsername(DemoData.CLINICIAN).orElseThrow();
        OAuthClient app = OAuthClient.findByClientId(DemoData.APP).orElseThrow();
        OAuthClient backend = OAuthClient.findByClientId(DemoData.BACKEND).orElseThrow();
        return new Snapshot(patient.passwordHash, patient.fhirUser, clinician.fhirUser, app.type, app.redirectUris,
                app.allowedScopes, backend.jwks, backend.allowedScopes);
    }

    /** As if demo-app had been registered for another address (an earlier DEMO_APP_PORT). */
    @Transactional
    public void replaceAppRedirectUris(String uris) {
        OAuthClient.findByClientId(DemoData.APP).orElseThrow().redirectUris = uris;
    }
}
