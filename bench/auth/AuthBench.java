import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/**
 * Token-endpoint benchmark against a running stack (./suite up) with its demo data:
 * 0. BENCH_AUTH_WARMUP_SECONDS [90] of all the requests below, not measured (the JIT of a just-started stack);
 * 1. latency of full standalone launches as demo-patient (authorize, login, consent, code exchange), sequential;
 * 2. authorization_code exchanges/s: codes are prepared first (each needs a login), then exchanged concurrently, in
 *    in rounds of 100 (a code lives 60 s), BENCH_AUTH_CODES [300] in all;
 * 3. BENCH_AUTH_GRANTS [3000] client_credentials grants with demo-backend's private_key_jwt, assertions signed
 *    beforehand.
 * Run: bench/run auth BASE_URL   (e.g. http://localhost:8080: through the gateway of ./suite up's stack; bench/run auth
 *      without BASE_URL starts a stack of its own for the run, bench/auth/run.sh)
 *      bench/run auth BASE_URL token SCOPE   prints one demo-backend access token with SCOPE (for other load scripts)
 * Against a second stack, the same SUITE_STATE_DIR and DEMO_APP_PORT as its ./suite up (demo-backend's key, demo-app's
 * redirect URI).
 */
public class AuthBench {

    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final Pattern SCOPE_BOX = Pattern.compile("name=\"scope\" value=\"([^\"]+)\"");
    static final String SCOPES = "launch/patient openid fhirUser offline_access patient/*.rs";
    static final SecureRandom RANDOM = new SecureRandom();

    static final String REDIRECT_URI = "http://localhost:" + System.getenv().getOrDefault("DEMO_APP_PORT", "9090") + "/callback";

    final String base;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    AuthBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080";
        AuthBench bench = new AuthBench(base);
        if (args.length == 3 && args[1].equals("token")) {
            // one demo-backend access token for other load scripts (bench/resources)
            Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(bench.clientCredentials(bench.assertion(demoBackendKey()), args[2]));
            if (!token.find()) {
                throw new IOException("no access_token in the token response");
            }
            System.out.println(token.group(1));
            return;
        }
        int threads = 8;
        System.out.printf("machine: %d cores, Java %s; target %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), base);

        // a stack ./suite up has just started runs interpreted and its JIT competes for the two cores: measured at
        // once, it gave 33 exchanges/s where the same stack warmed up gives about 190. Every kind of request is sent
        // for BENCH_AUTH_WARMUP_SECONDS first, as the other scenarios warm their Java targets (BENCH_JVM_WARMUP).
        PublicJsonWebKey key = demoBackendKey();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(System.getenv().getOrDefault("BENCH_AUTH_WARMUP_SECONDS", "90")));
        int warmupRounds = 0;
        do {
            bench.launch();
            List<String[]> codes = Collections.synchronizedList(new ArrayList<>());
            run(4, 16, i -> codes.add(bench.code()));
            run(threads, codes.size(), i -> bench.exchange(codes.get(i)));
            run(threads, 64, i -> bench.clientCredentials(bench.assertion(key), "system/Patient.rs"));
            warmupRounds++;
        } while (System.nanoTime() < warmupEnd);
        System.out.printf("warm-up: %d rounds (a launch, 16 code exchanges and 64 client_credentials grants each)%n", warmupRounds);

        List<Long> launches = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long start = System.nanoTime();
            bench.launch();
            launches.add(System.nanoTime() - start);
        }

        // codes live 60 s: prepared and exchanged in rounds of 100, so that on a slow machine no code expires waiting
        List<Result> rounds = new ArrayList<>();
        int codeCount = Integer.parseInt(System.getenv().getOrDefault("BENCH_AUTH_CODES", "300"));
        for (int done = 0; done < codeCount; done += 100) {
            List<String[]> codes = Collections.synchronizedList(new ArrayList<>());
            run(4, Math.min(100, codeCount - done), i -> codes.add(bench.code()));
            rounds.add(run(threads, codes.size(), i -> bench.exchange(codes.get(i))));
        }
        Result exchange = Result.of(rounds);

        int assertions = Integer.parseInt(System.getenv().getOrDefault("BENCH_AUTH_GRANTS", "3000"));
        List<String> signed = new ArrayList<>();
        for (int i = 0; i < assertions; i++) {
            signed.add(bench.assertion(key));
        }
        Result credentials = run(threads, assertions, i -> bench.clientCredentials(signed.get(i), "system/Patient.rs"));

        String table = String.join("\n",
                "| scenario | requests | throughput (req/s) | p50 (ms) | p90 (ms) | p99 (ms) |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
                row("standalone launch, sequential (authorize+login+consent+token)", new Result(launches, 0)),
                row("authorization_code exchange, " + threads + " threads", exchange),
                row("client_credentials (private_key_jwt), " + threads + " threads", credentials));
        String report = "# Token endpoint benchmark\n\n" + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, Java " + System.getProperty("java.version") + ", target " + base
                + ", command `bench/run auth " + base + "`\n\n" + table + "\n";
        System.out.println(report);
        // another script running this one as its load (bench/resources) keeps the report out of bench/results
        Path reportFile = Path.of(System.getenv().getOrDefault("BENCH_AUTH_REPORT", "bench/results/auth.md"));
        Files.createDirectories(reportFile.toAbsolutePath().getParent());
        Files.writeString(reportFile, report);
        // BenchReport rows, for the combined report's tables and charts (bench/auth/run.sh)
        String rows = System.getenv("BENCH_AUTH_ROWS");
        if (rows != null) {
            Files.writeString(Path.of(rows), String.join("\n",
                    tsv("standalone launch, sequential", new Result(launches, launches.size() / (launches.stream().mapToLong(Long::longValue).sum() / 1e9))),
                    tsv("authorization_code exchange, " + threads + " threads", exchange),
                    tsv("client_credentials grant, " + threads + " threads", credentials)) + "\n");
        }
    }

    static String tsv(String name, Result result) {
        List<Long> sorted = new ArrayList<>(result.latenciesNanos());
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "%s\t%.1f\t%.3f\t%.3f\t%.3f\t0", name, result.perSecond(), pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99));
    }

    static PublicJsonWebKey demoBackendKey() throws Exception {
        Path keyFile = Path.of(System.getProperty("user.dir")).resolve(System.getenv().getOrDefault("SUITE_STATE_DIR", ".suite"))
                .resolve("demo/demo-backend-key.json");
        return PublicJsonWebKey.Factory.newPublicJwk(Files.readString(keyFile));
    }

    interface Task {
        void run(int index) throws Exception;
    }

    record Result(List<Long> latenciesNanos, double perSecond) {

        /** Several timed runs as one: all their latencies, all their requests over all their time. */
        static Result of(List<Result> runs) {
            List<Long> latencies = new ArrayList<>();
            double seconds = 0;
            for (Result run : runs) {
                latencies.addAll(run.latenciesNanos());
                seconds += run.latenciesNanos().size() / run.perSecond();
            }
            return new Result(latencies, latencies.size() / seconds);
        }
    }

    static Result run(int threads, int count, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long begin = System.nanoTime();
                    try {
                        task.run(i);
                        latencies.add(System.nanoTime() - begin);
                    } catch (Exception e) {
                        if (failures.incrementAndGet() < 5) {
                            System.err.println("failure: " + e.getMessage());
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + count + " requests failed");
        }
        return new Result(new ArrayList<>(latencies), count / seconds);
    }

    static String row(String name, Result result) {
        List<Long> sorted = new ArrayList<>(result.latenciesNanos());
        Collections.sort(sorted);
        return String.format("| %s | %d | %s | %.1f | %.1f | %.1f |", name, sorted.size(),
                result.perSecond() == 0 ? "-" : String.format("%.0f", result.perSecond()),
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99));
    }

    static double pct(List<Long> sorted, int p) {
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    /** A full standalone launch, ending with the token response. */
    void launch() throws Exception {
        exchange(code());
    }

    /** Walks authorize, login and consent as demo-patient; returns {code, verifier}. */
    String[] code() throws Exception {
        String verifier = random();
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String state = random();
        String query = form(Map.of("response_type", "code", "client_id", "demo-app", "redirect_uri", REDIRECT_URI,
                "scope", SCOPES, "state", state, "aud", base + "/fhir", "code_challenge", challenge, "code_challenge_method", "S256"));
        HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(base + "/auth/authorize?" + query)).GET(), null);
        String cookie = cookie(login, null);
        HttpResponse<String> consent = send(post("/auth/authorize/login",
                form(Map.of("csrf", match(CSRF, login.body()), "username", "demo-patient", "password", "demo-patient"))), cookie);
        cookie = cookie(consent, cookie);
        if (consent.statusCode() == 303 || consent.statusCode() == 302) {
            consent = send(HttpRequest.newBuilder(URI.create(base + consent.headers().firstValue("Location").orElseThrow())).GET(), cookie);
        }
        StringBuilder approve = new StringBuilder(form(Map.of("csrf", match(CSRF, consent.body()), "decision", "approve")));
        Matcher boxes = SCOPE_BOX.matcher(consent.body());
        while (boxes.find()) {
            approve.append("&scope=").append(URLEncoder.encode(boxes.group(1).replace("&#x2F;", "/").replace("&#47;", "/"), StandardCharsets.UTF_8));
        }
        HttpResponse<String> redirect = send(post("/auth/authorize/consent", approve.toString()), cookie);
        String location = redirect.headers().firstValue("Location").orElseThrow(() -> new IOException("no redirect after consent: " + redirect.statusCode()));
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        if (!code.find()) {
            throw new IOException("no code in " + location);
        }
        return new String[] {code.group(1), verifier};
    }

    void exchange(String[] codeAndVerifier) throws Exception {
        HttpResponse<String> token = send(post("/auth/token", form(Map.of("grant_type", "authorization_code", "code", codeAndVerifier[0],
                "redirect_uri", REDIRECT_URI, "client_id", "demo-app", "code_verifier", codeAndVerifier[1]))), null);
        expect200(token);
    }

    String assertion(PublicJsonWebKey key) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("demo-backend");
        claims.setSubject("demo-backend");
        claims.setAudience(base + "/auth/token");
        claims.setExpirationTimeMinutesInTheFuture(4.5f);
        claims.setJwtId(random());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(key.getAlgorithm());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setHeader("typ", "JWT");
        jws.setKey(key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    /** @return the token response's body */
    String clientCredentials(String assertion, String scope) throws Exception {
        HttpResponse<String> response = send(post("/auth/token", form(Map.of("grant_type", "client_credentials", "scope", scope,
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion))), null);
        expect200(response);
        return response.body();
    }

    HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpResponse<String> send(HttpRequest.Builder request, String cookie) throws Exception {
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect200(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
    }

    static String cookie(HttpResponse<String> response, String previous) {
        List<String> set = response.headers().allValues("Set-Cookie");
        return set.isEmpty() ? previous : String.join("; ", set.stream().map(c -> c.split(";", 2)[0]).toList());
    }

    static String match(Pattern pattern, String html) throws IOException {
        Matcher matcher = pattern.matcher(html);
        if (!matcher.find()) {
            throw new IOException("expected form field not found");
        }
        return matcher.group(1);
    }

    static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(out.length() == 0 ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
