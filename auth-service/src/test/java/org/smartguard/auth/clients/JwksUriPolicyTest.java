package org.smartguard.auth.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which jwks_uri values may be registered and fetched, with and without the local-http setting. */
class JwksUriPolicyTest {

    private static JwksUriPolicy policy(boolean allowLocalHttp) {
        return new JwksUriPolicy(new ClientsConfig() {
            @Override
            public boolean jwksUriAllowLocalHttp() {
                return allowLocalHttp;
            }

            @Override
            public Duration jwksCacheTtl() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration jwksFetchTimeout() {
                return Duration.ofSeconds(3);
            }

            @Override
            public Duration jwksRefetchMinInterval() {
                return Duration.ofSeconds(10);
            }
        });
    }

    @Test
    void httpsOnAPublicAddressIsFetched() {
        assertEquals(Optional.empty(), policy(false).fetchProblem("https://93.184.216.34/.well-known/jwks.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://93.184.216.34/jwks.json", "https://93.184.216.34/jwks.json#keys", "/jwks.json",
            "https://user:pw@93.184.216.34/jwks.json", "ftp://93.184.216.34/jwks.json", "http://localhost:8080/jwks.json" })
    void anythingButCleanHttpsIsRefusedInProduction(String uri) {
        assertTrue(policy(false).problem(uri).isPresent(), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://127.0.0.1/jwks.json", "https://10.1.2.3/jwks.json", "https://192.168.1.1/jwks.json",
            "https://169.254.169.254/latest/meta-data", "https://[::1]/jwks.json", "https://[fd00::1]/jwks.json", "https://0.0.0.0/jwks.json" })
    void internalAddressesAreNeverFetchedInProduction(String uri) {
        assertTrue(policy(false).problem(uri).isEmpty(), "registrable: " + uri);
        assertTrue(policy(false).fetchProblem(uri).isPresent(), uri);
    }

    @Test
    void localHttpOnlyWhereTheSettingAllowsIt() {
        assertEquals(Optional.empty(), policy(true).fetchProblem("http://127.0.0.1:8089/jwks.json"));
        assertEquals(Optional.empty(), policy(true).fetchProblem("http://localhost:8089/jwks.json"));
        assertTrue(policy(true).problem("http://keys.example/jwks.json").isPresent());
    }
}
