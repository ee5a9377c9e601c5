package org.smartguard.auth.demo;

import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import jakarta.inject.Inject;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartguard.auth.clients.ClientType;
import org.smartguard.auth.grants.BackendServiceFixtures;
import org.smartguard.auth.grants.BackendServiceFixtures.BackendClient;
import org.smartguard.auth.users.PasswordHasher;

import io.quarkus.test.junit.QuarkusTest;

/** The demo data: created once, kept on every later load, demo-backend's key made once and reused. */
@QuarkusTest
class DemoDataTest {

    private static final String DEFAULT_APP_REDIRECT_URI = "http://localhost:9090/callback";

    @Inject
    DemoData demo;
    @Inject
    PasswordHasher passwords;
    @Inject
    DemoSnapshots stored;

    @TempDir
    Path dir;

    @Test
    void loadingTwiceKeepsTheSameUsersClientsAndBackendKey() throws IOException, JoseException {
        Path keyFile = dir.resolve("nested/demo-backend-key.json");

        demo.load(keyFile);
        String firstKey = Files.readString(keyFile);
        DemoSnapshots.Snapshot first = stored.snapshot();
        demo.load(keyFile);

        assertEquals(firstKey, Files.readString(keyFile), "the key file is reused, not replaced");
        assertEquals(first, stored.snapshot(), "a second load changes nothing");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(firstKey);
        assertNotNull(key.getPrivateKey());
        assertEquals("RS384", key.getAlgorithm());
        assertTrue(first.backendJwks().contains(key.getKeyId()));
        assertFalse(first.backendJwks().contains("\"d\""), "only the public key is registered");
        assertTrue(passwords.matches(DemoData.PATIENT, first.patientPasswordHash()));
        assertEquals("Patient/demo-patient", first.patientFhirUser());
        assertEquals("Practitioner/demo-clinician", first.clinicianFhirUser());
        assertEquals(ClientType.PUBLIC, first.appType());
        assertEquals(DEFAULT_APP_REDIRECT_URI, first.appRedirectUris());

        BackendServiceFixtures.requestToken(new BackendClient(DemoData.BACKEND, key).assertion(), "system/Patient.rs")
                .statusCode(200)
                .body("access_token", notNullValue());
    }

    @Test
    void aNewKeyFileReplacesTheRegisteredBackendKey() throws IOException, JoseException {
        demo.load(dir.resolve("first.json"));
        Path second = dir.resolve("second.json");

        demo.load(second);

        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(second));
        assertTrue(stored.snapshot().backendJwks().contains(key.getKeyId()));
    }

    @Test
    void demoAppsRedirectUriFollowsTheConfigurationWhenTheAppMoved() {
        demo.load(dir.resolve("key.json"));
        stored.replaceAppRedirectUris("http://localhost:19090/callback\nhttp://localhost:9090/elsewhere");

        demo.load(dir.resolve("key.json"));

        assertEquals(DEFAULT_APP_REDIRECT_URI, stored.snapshot().appRedirectUris());
    }
}
