package org.smartguard.auth.demo;

import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.smartguard.auth.admin.UserAccounts;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.registration.ClientMetadata;
import org.smartguard.auth.registration.ClientRegistrar;
import org.smartguard.auth.users.AppUser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

/**
 * Demo-only users and clients for {@code ./suite up}, created at startup when {@code smartguard.auth.demo.enabled}
 * is true, and left alone when they exist: users demo-patient and demo-clinician (password = username), public app
 * demo-app, and backend client demo-backend whose private key is kept in a file (see {@link DemoConfig}). Everything
 * goes through the same validation as the admin API. demo-app's redirect URI and demo-backend's key follow the
 * configuration.
 */
@ApplicationScoped
public class DemoData {

    private static final Logger LOG = Logger.getLogger(DemoData.class);

    static final String PATIENT = "demo-patient";
    static final String CLINICIAN = "demo-clinician";
    static final String APP = "demo-app";
    static final String BACKEND = "demo-backend";
    /** Every patient/ and user/ clinical scope, and every OpenID Connect, launch and refresh scope. */
    static final String APP_SCOPES = "patient/*.* user/*.* openid fhirUser profile launch launch/patient launch/encounter offline_access online_access";
    static final String BACKEND_SCOPES = "system/*.*";

    private final DemoConfig config;
    private final UserAccounts users;
    private final ClientRegistrar registrar;
    private final ObjectMapper json;

    DemoData(DemoConfig config, UserAccounts users, ClientRegistrar registrar, ObjectMapper json) {
        this.config = config;
        this.users = users;
        this.registrar = registrar;
        this.json = json;
    }

    void onStart(@Observes StartupEvent start) {
        if (config.enabled()) {
            Path keyFile = Path.of(config.backendKeyFile()).toAbsolutePath();
            load(keyFile);
            LOG.infof("demo data ready (demo only: set SMARTGUARD_AUTH_DEMO_ENABLED=false in production); "
                    + "demo-backend's private key is in %s", keyFile);
        }
    }

    /**
     * Creates whatever demo data is missing; demo-app's registered redirect URI follows {@code app-redirect-uri} and
     * demo-backend's registered key follows the key file.
     */
    @Transactional
    public void load(Path backendKeyFile) {
        ensureUser(PATIENT, "Patient/demo-patient", "Demo Patient");
        ensureUser(CLINICIAN, "Practitioner/demo-clinician", "Demo Clinician");
        ClientMetadata app = new ClientMetadata(APP, "SMART Guard demo app", List.of(config.appRedirectUri()), ClientMetadata.AUTH_NONE,
                List.of(ClientRegistrar.AUTHORIZATION_CODE, ClientRegistrar.REFRESH_TOKEN), null, APP_SCOPES, null, null);
        OAuthClient registeredApp = OAuthClient.findByClientId(APP).orElse(null);
        if (registeredApp == null) {
            registrar.register(app, ClientRegistrar.Authority.ADMIN);
        } else if (!registeredApp.hasRedirectUri(config.appRedirectUri()) || registeredApp.redirectUriList().size() != 1) {
            registrar.update(APP, app);
        }
        String publicJwks = publicJwks(DemoBackendKey.loadOrCreate(backendKeyFile));
        OAuthClient backend = OAuthClient.findByClientId(BACKEND).orElse(null);
        if (backend == null) {
            registrar.register(new ClientMetadata(BACKEND, "SMART Guard demo backend service", null, ClientMetadata.AUTH_PRIVATE_KEY_JWT,
                    List.of(ClientRegistrar.CLIENT_CREDENTIALS), null, BACKEND_SCOPES, readTree(publicJwks), null),
                    ClientRegistrar.Authority.ADMIN);
        } else if (!publicJwks.equals(backend.jwks)) {
            backend.jwks = publicJwks;
        }
    }

    private void ensureUser(String username, String fhirUser, String displayName) {
        if (AppUser.findByUsername(username).isEmpty()) {
            users.create(new UserAccounts.NewUser(username, username, fhirUser, displayName));
        }
    }

    private static String publicJwks(PublicJsonWebKey key) {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String jwks) {
        try {
            return json.readTree(jwks);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
