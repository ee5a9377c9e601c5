package org.smartguard.auth.token;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.auth.grants.TokenFixtures;
import org.smartguard.auth.grants.TokenFixtures.Client;
import org.smartguard.commons.testing.RedisOutage;
import org.smartguard.commons.tokens.RevokedTokenKeys;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Revocation survives Redis: the auth-service runs on a private redis-server that the test kills and restarts
 * (empty, as production's Redis without persistence would come back).
 */
@QuarkusTest
@QuarkusTestResource(value = RedisOutage.class, restrictToAnnotatedClass = true)
class RevocationDurabilityTest {

    @Inject
    TokenFixtures fixtures;
    @Inject
    RedisDataSource redis;
    @Inject
    DenylistCopy copy;

    @AfterEach
    void redisBack() {
        RedisOutage.end();
    }

    @Test
    void aRevocationWhileRedisIsDownSucceedsIsListedAndReachesRedisOnceItIsBack() {
        Client app = fixtures.publicClient();
        String before = accessToken(app);
        String during = accessToken(app);
        revoke(app, before);
        assertTrue(inRedis(jti(before)), "with Redis up the revocation is in Redis at once");

        RedisOutage.redis().kill();
        revoke(app, during);
        assertEquals(Map.of("active", false), fixtures.introspect(during), "introspection reads PostgreSQL while Redis is down");

        // the list is rebuilt at most once a second: another test's request may have built it just before
        await("the list is rebuilt with both").atMost(Duration.ofSeconds(5)).untilAsserted(() -> given().when().get("/auth/revocations")
                .then().statusCode(200)
                .header("Cache-Control", "public, max-age=1")
                .body("revoked.jti_sha256", hasItems(RevokedTokenKeys.hash(jti(before)), RevokedTokenKeys.hash(jti(during)))));
        given().when().get("/auth/revocations")
                .then().statusCode(200)
                .body("revoked.find { it.jti_sha256 == '" + RevokedTokenKeys.hash(jti(during)) + "' }.exp", is((int) exp(during)))
                .body(not(org.hamcrest.Matchers.containsString(jti(during))));

        RedisOutage.redis().start();
        await("both revocations copied back into the restarted, empty Redis").atMost(Duration.ofSeconds(15))
                .until(() -> inRedis(jti(before)) && inRedis(jti(during)));
    }

    @Test
    void aRevokedTokenIsRefilledWhenRedisLosesItsCopy() {
        Client app = fixtures.publicClient();
        String token = accessToken(app);
        revoke(app, token);
        redis.key().del(RevokedTokenKeys.of(jti(token)), DenylistCopy.COPIED_MARKER);

        await("the copy notices the missing marker and refills Redis").atMost(Duration.ofSeconds(15))
                .until(() -> inRedis(jti(token)));
    }

    @Test
    void expiredRevocationsAreSweptAndNeverListed() {
        String expired = "expired-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> RevokedAccessToken.record(expired, Instant.now().minusSeconds(5)));

        given().when().get("/auth/revocations")
                .then().statusCode(200).body("revoked.jti_sha256", not(hasItem(RevokedTokenKeys.hash(expired))));
        copy.sweepExpired();
        assertFalse(QuarkusTransaction.requiringNew().call(() -> RevokedAccessToken.findByIdOptional(expired).isPresent()));
    }

    private String accessToken(Client app) {
        return (String) fixtures.issue(app, fixtures.patient(), TokenFixtures.PATIENT_SCOPES).get("access_token");
    }

    private static void revoke(Client app, String token) {
        app.request().formParam("token", token).formParam("token_type_hint", "access_token").post("/auth/revoke")
                .then().statusCode(200);
    }

    private boolean inRedis(String jti) {
        try {
            return redis.key().exists(RevokedTokenKeys.of(jti));
        } catch (RuntimeException redisNotBackYet) {
            return false;
        }
    }

    private static Map<String, Object> claims(String jwt) {
        try {
            return JsonUtil.parseJson(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jti(String jwt) {
        return (String) claims(jwt).get("jti");
    }

    private static long exp(String jwt) {
        return ((Number) claims(jwt).get("exp")).longValue();
    }
}
