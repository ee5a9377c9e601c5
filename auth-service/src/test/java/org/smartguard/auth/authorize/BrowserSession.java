package org.smartguard.auth.authorize;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A browser walking the authorization flow: never follows redirects on its own, keeps the flow cookie, and posts
 * each form with the CSRF token of the page it last saw. Each session comes from its own (forwarded) address, so
 * the per-address login throttle of one test never touches another.
 */
public final class BrowserSession {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A documentation-range IPv6 address of its own. */
    private final String address = String.format("2001:db8::%x:%x:%x", RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000));
    private String cookie;
    private String csrf;

    public Response authorize(AuthorizeParams params) {
        return remember(request().queryParams(params.asMap()).get("/auth/authorize"));
    }

    /** The request with {@code name} sent twice, the second time with {@code otherValue}. */
    public Response authorizeRepeating(AuthorizeParams params, String name, String otherValue) {
        return remember(request().queryParams(params.asMap()).queryParam(name, otherValue).get("/auth/authorize"));
    }

    public Response authorizeByPost(AuthorizeParams params) {
        return remember(request().contentType("application/x-www-form-urlencoded").formParams(params.asMap()).post("/auth/authorize"));
    }

    public Response login(String username, String password) {
        return remember(form().formParam("username", username).formParam("password", password).post("/auth/authorize/login"));
    }

    public Response searchPatients(String name) {
        return remember(form().formParam("query", name).post("/auth/authorize/patient"));
    }

    public Response pickPatient(String patient) {
        return remember(form().formParam("patient", patient).post("/auth/authorize/patient"));
    }

    /** Approves with only {@code ticked} left ticked. */
    public Response approve(List<String> ticked) {
        RequestSpecification form = form().formParam("decision", "approve");
        ticked.forEach(scope -> form.formParam("scope", scope));
        return remember(form.post("/auth/authorize/consent"));
    }

    public Response deny() {
        return remember(form().formParam("decision", "deny").post("/auth/authorize/consent"));
    }

    /** Replaces the CSRF token the next form sends, as a forged cross-site form would. */
    public BrowserSession withCsrf(String forged) {
        this.csrf = forged;
        return this;
    }

    /** The query parameters of a redirect's Location. */
    public static Map<String, String> redirectParams(Response redirect) {
        return queryParams(URI.create(redirect.getHeader("Location")).getRawQuery());
    }

    /** The parameters of a raw (still encoded) query string; none for null. */
    public static Map<String, String> queryParams(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int equals = pair.indexOf('=');
            params.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
        }
        return params;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private RequestSpecification request() {
        RequestSpecification request = given().redirects().follow(false).header("X-Forwarded-For", address);
        return cookie == null ? request : request.cookie(HtmlResponses.COOKIE, cookie);
    }

    private RequestSpecification form() {
        RequestSpecification form = request().contentType("application/x-www-form-urlencoded");
        return csrf == null ? form : form.formParam("csrf", csrf);
    }

    private Response remember(Response response) {
        String set = response.getCookie(HtmlResponses.COOKIE);
        if (set != null) {
            cookie = set.isEmpty() ? null : set;
        }
        Matcher page = CSRF.matcher(response.asString());
        if (page.find()) {
            csrf = page.group(1);
        }
        return response;
    }
}
