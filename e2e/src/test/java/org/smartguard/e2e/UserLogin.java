package org.smartguard.e2e;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A person's sign-in over plain HTTP, walked as a browser walks it: {@code /auth/authorize} for demo-app (PKCE S256),
 * the sign-in form, the consent form with every box left ticked, the code from the redirect to the app, then the code
 * exchange; all through the gateway. For checks that need a user's token without the cost of a browser (the real
 * pages and forms are the browser journeys' part).
 */
final class UserLogin {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern SCOPE_BOX = Pattern.compile("name=\"scope\" value=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private UserLogin() {
    }

    /** The token response for USERNAME (password = username, as the demo users have) and the scope. */
    static JsonNode signIn(E2eStack stack, String username, String scope) {
        String verifier = random();
        String redirectUri = stack.appUrl() + "/callback";
        Map<String, String> authorize = new LinkedHashMap<>();
        authorize.put("response_type", "code");
        authorize.put("client_id", "demo-app");
        authorize.put("redirect_uri", redirectUri);
        authorize.put("scope", scope);
        authorize.put("state", random());
        authorize.put("aud", stack.gatewayUrl() + "/fhir");
        authorize.put("code_challenge", challenge(verifier));
        authorize.put("code_challenge_method", "S256");
        HttpResponse<String> signInPage = Api.send(Api.request(stack.gatewayUrl() + "/auth/authorize?" + Api.form(authorize), null).GET());
        String cookies = cookies(signInPage, null);

        HttpResponse<String> consentPage = Api.send(form(stack, "/auth/authorize/login", cookies,
                Map.of("csrf", match(CSRF, signInPage), "username", username, "password", username)));
        cookies = cookies(consentPage, cookies);
        if (consentPage.statusCode() == 303 || consentPage.statusCode() == 302) {
            consentPage = Api.send(Api.request(stack.gatewayUrl() + consentPage.headers().firstValue("Location").orElseThrow(), null)
                    .header("Cookie", cookies).GET());
        }
        StringBuilder approve = new StringBuilder(Api.form(Map.of("csrf", match(CSRF, consentPage), "decision", "approve")));
        for (String box : all(SCOPE_BOX, consentPage)) {
            approve.append("&scope=").append(Api.encode(box));
        }
        HttpResponse<String> redirect = Api.send(Api.request(stack.gatewayUrl() + "/auth/authorize/consent", null)
                .header("Cookie", cookies).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(approve.toString())));
        String location = redirect.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no redirect after consent (" + redirect.statusCode() + "): " + redirect.body()));
        Matcher code = CODE.matcher(location);
        if (!location.startsWith(redirectUri) || !code.find()) {
            throw new AssertionError("the consent did not redirect to the app with a code: " + location);
        }
        return Api.json(Api.postForm(stack.gatewayUrl() + "/auth/token", Map.of("grant_type", "authorization_code",
                "code", code.group(1), "redirect_uri", redirectUri, "client_id", "demo-app", "code_verifier", verifier)), 200);
    }

    private static java.net.http.HttpRequest.Builder form(E2eStack stack, String path, String cookies, Map<String, String> fields) {
        return Api.request(stack.gatewayUrl() + path, null).header("Cookie", cookies)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Api.form(fields)));
    }

    /** The cookies a response sets, as a Cookie header, or the previous ones when it sets none. */
    private static String cookies(HttpResponse<String> response, String previous) {
        List<String> set = response.headers().allValues("Set-Cookie");
        return set.isEmpty() ? previous : String.join("; ", set.stream().map(cookie -> cookie.split(";", 2)[0]).toList());
    }

    private static String match(Pattern pattern, HttpResponse<String> page) {
        List<String> found = all(pattern, page);
        if (found.isEmpty()) {
            throw new AssertionError("expected form field missing on " + page.uri() + " (" + page.statusCode() + "): " + page.body());
        }
        return found.get(0);
    }

    private static List<String> all(Pattern pattern, HttpResponse<String> page) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(page.body());
        while (matcher.find()) {
            found.add(matcher.group(1).replace("&#x2F;", "/").replace("&#47;", "/").replace("&amp;", "&"));
        }
        return found;
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
