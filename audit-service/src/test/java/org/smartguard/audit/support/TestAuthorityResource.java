package org.smartguard.audit.support;

import java.util.Map;

import org.smartguard.commons.testing.TestAuthority;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the audit-service at the test authority's JWKS, so tests can mint the tokens they need. */
public class TestAuthorityResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("smartguard.audit-api.jwks-uri", TestAuthority.jwksUri());
    }

    @Override
    public void stop() {
        // the JWKS server lives as long as the test JVM
    }
}
