package org.smartguard.gateway.headers;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The gateway serving TLS itself (a key made for this run with keytool) and plain HTTP side by side. */
@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
@TestProfile(StrictTransportSecurityTest.OverTls.class)
class StrictTransportSecurityTest {

    public static class OverTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path keyStore = selfSignedKeyStore();
            return Map.of(
                    "quarkus.http.test-ssl-port", Integer.toString(freePort()),
                    "quarkus.http.ssl.certificate.key-store-file", keyStore.toAbsolutePath().toString(),
                    "quarkus.http.ssl.certificate.key-store-password", "test-only",
                    "quarkus.http.insecure-requests", "enabled");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-ssl-port")
    int tlsPort;

    @Test
    void responsesOverTlsCarryStrictTransportSecurity() {
        given().relaxedHTTPSValidation().baseUri("https://localhost").port(tlsPort)
                .when().get("/fhir/metadata")
                .then().statusCode(200)
                .header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }

    @Test
    void responsesOverPlainHttpDoNot() {
        given().when().get("/fhir/metadata").then().statusCode(200).header("Strict-Transport-Security", nullValue());
    }

    private static Path selfSignedKeyStore() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "tls-test"));
            Path keyStore = dir.resolve("gateway-" + ProcessHandle.current().pid() + ".p12");
            Files.deleteIfExists(keyStore);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "test-only")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make the test key store");
            }
            return keyStore;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
