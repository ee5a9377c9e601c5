package org.smartguard.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class GatewayHealthTest {

    @Test
    void readyWithRedisReportedByTheChecksThatDependOnIt() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", is("UP"))
                // Redis is no readiness gate (the gateway serves degraded without it): these checks report it
                .body("checks.find { it.name == 'Redis connection health check' }", is((Object) null))
                .body("checks.find { it.name == 'token-revocation' }.data.source", is("redis"))
                .body("checks.find { it.name == 'audit-outbox' }.status", is("UP"))
                .body("checks.find { it.name == 'rate-limits' }.status", is("UP"))
                .body("checks.find { it.name == 'rate-limits' }.data.store", is("redis"));
    }

    @Test
    void liveAndExposesPrometheusMetrics() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("smartguard_gateway_ratelimit_redis_available 1.0"))
                .body(containsString("smartguard_gateway_ratelimit_local_decisions_total"));
    }
}
