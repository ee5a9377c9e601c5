package org.smartguard.gateway.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.smartguard.gateway.routing.RawHttp;
import org.smartguard.gateway.routing.UpstreamServers;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(UpstreamServers.class)
class MethodHygieneTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @ParameterizedTest
    @CsvSource({"TRACE, /fhir/Patient", "TRACE, /auth/token", "CONNECT, /fhir/metadata"})
    void traceAndConnectAre405AndReachNoService(String method, String path) throws Exception {
        UpstreamServers.RECEIVED.clear();
        assertEquals(405, RawHttp.status(port, method, path), method + " " + path);
        assertEquals(List.of(), UpstreamServers.RECEIVED);
    }
}
