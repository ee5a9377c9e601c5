package org.smartguard.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AuditHealthTest {

    @Test
    void readyOnlyWithItsRealConnectionsUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'Database connections health check' }.status", is("UP"))
                .body("checks.find { it.name == 'Kafka connection health check' }.status", is("UP"))
                .body("checks.find { it.name == 'audit-outbox' }.status", is("UP"))
                .body("checks.find { it.name == 'Kafka Streams topics health check' }.status", is("UP"));
    }

    @Test
    void liveAndExposesPrometheusMetrics() {
        // the anomaly rules' Streams client is RUNNING (or rebalancing); a client in ERROR is not alive
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"))
                .body("checks.find { it.name == 'Kafka Streams state health check' }.status", is("UP"));
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }
}
