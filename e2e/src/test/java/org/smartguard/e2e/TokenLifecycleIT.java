package org.smartguard.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A token's life across the services: revoked at the auth-service, it stops working at once at the gateway and at the
 * fhir-service reached directly (both check the revocation denylist on every request); after the signing key is
 * rotated, tokens signed with the old key keep working and tokens signed with the new one work at once, with no
 * restart of any verifier (the new key was published a rotation ahead, so no verifier meets an unknown kid).
 */
@ExtendWith(SharedStack.class)
class TokenLifecycleIT {

    private static final String SCOPE = "system/Patient.rs";
    private static final String DEMO_PATIENT = "/fhir/Patient/demo-patient";

    private static E2eStack stack;

    @BeforeAll
    static void useTheSharedStack(E2eStack shared) {
        stack = shared;
    }

    @Test
    void aRevokedTokenIsRefusedByTheVeryNextRequestAtTheGatewayAndAtTheFhirService() {
        String token = BackendServices.token(stack, SCOPE);
        assertEquals(200, Api.get(stack.gatewayUrl() + DEMO_PATIENT, token).statusCode(), "works through the gateway");
        assertEquals(200, Api.get(stack.fhirServiceUrl() + DEMO_PATIENT, token).statusCode(), "works at the fhir-service");

        Map<String, String> revoke = new LinkedHashMap<>(BackendServices.clientAuthentication(stack));
        revoke.put("token", token);
        revoke.put("token_type_hint", "access_token");
        HttpResponse<String> revoked = Api.postForm(stack.gatewayUrl() + "/auth/revoke", revoke);
        assertEquals(200, revoked.statusCode(), revoked.body());

        // the first request after the revocation answer: nothing to wait for, the denylist is read on every request
        assertRefusedAsInvalid(Api.get(stack.gatewayUrl() + DEMO_PATIENT, token), "the gateway");
        assertRefusedAsInvalid(Api.get(stack.fhirServiceUrl() + DEMO_PATIENT, token), "the fhir-service");
        assertEquals(200, Api.get(stack.gatewayUrl() + DEMO_PATIENT, BackendServices.token(stack, SCOPE)).statusCode(),
                "another token of the same client still works");
    }

    @Test
    void rotatingTheSigningKeyKeepsIssuedTokensWorkingAndNewTokensWorkWithoutARestart() {
        String issuedBefore = BackendServices.token(stack, SCOPE);
        String oldKid = kid(issuedBefore);
        List<String> publishedBefore = publishedKids();

        HttpResponse<String> rotation = Api.send(Api.request(stack.authServiceUrl() + "/auth/admin/keys/rotate", E2eStack.ADMIN_TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        String newKid = Api.json(rotation, 200).get("kid").asText();
        assertNotEquals(oldKid, newKid);
        // verifiers refetch the JWKS only for an unknown kid, and at most every 30 s: the new key was published ahead
        assertTrue(publishedBefore.contains(newKid), "the new key was published before the rotation: " + publishedBefore);
        List<String> published = publishedKids();
        assertTrue(published.containsAll(List.of(oldKid, newKid)), "the JWKS publishes the retired and the new key: " + published);

        String issuedAfter = BackendServices.token(stack, SCOPE);
        assertEquals(newKid, kid(issuedAfter), "new tokens are signed with the new key");
        for (String base : List.of(stack.gatewayUrl(), stack.fhirServiceUrl())) {
            HttpResponse<String> withNewKey = Api.get(base + DEMO_PATIENT, issuedAfter);
            assertEquals(200, withNewKey.statusCode(), base + " accepts the new key at once: " + withNewKey.body());
            HttpResponse<String> withOldKey = Api.get(base + DEMO_PATIENT, issuedBefore);
            assertEquals(200, withOldKey.statusCode(), base + " still accepts a token signed before the rotation: " + withOldKey.body());
        }
    }

    private static List<String> publishedKids() {
        List<String> kids = new ArrayList<>();
        Api.json(Api.get(stack.gatewayUrl() + "/auth/jwks", null), 200).get("keys").forEach(key -> kids.add(key.get("kid").asText()));
        return kids;
    }

    private static void assertRefusedAsInvalid(HttpResponse<String> response, String where) {
        assertEquals(401, response.statusCode(), where + ": " + response.body());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"), where);
        JsonNode outcome = Api.json(response, 401);
        assertEquals("OperationOutcome", outcome.path("resourceType").asText(), where);
        assertFalse(response.body().contains("\"resourceType\":\"Patient\""), where + ": no patient data");
    }

    /** The kid in a JWT's header. */
    private static String kid(String jwt) {
        try {
            return Api.JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8)).get("kid").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JWT", e);
        }
    }
}
