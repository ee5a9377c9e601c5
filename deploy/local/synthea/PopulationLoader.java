import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads a Synthea population into a FHIR server the way an integrator would: Synthea's own bundles, posted unchanged
 * to the FHIR API with a SMART Backend Services token. The hospital bundles (Organization, Location) and practitioner
 * bundles (Practitioner, PractitionerRole) go first, one at a time, because every patient transaction refers to them
 * conditionally ({@code Organization?identifier=...}); then one transaction per patient, THREADS at a time.
 * JDK only, run as a single-file program:
 *
 *   java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] [--threads N] [--group NAME] DIR
 *   java PopulationLoader.java --fhir URL --token-file FILE [--threads N] [--group NAME] DIR
 *   java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] --print-token
 *
 * With --key, the token comes from the server's token endpoint (found in FHIR_URL/.well-known/smart-configuration)
 * for an RS384 client assertion signed with the private JWK, and is renewed before it expires. DIR holds the bundles
 * (Synthea's output/fhir). After the patients, a Group of the patients this load created is posted (a conditional
 * create on the identifier {@value #POPULATION_SYSTEM}|NAME, NAME from --group or else DIR's parent folder, so loading
 * a population twice makes one group): what a Bulk Data {@code Group/{id}/$export} reads. With --print-token it only
 * prints a backend-services access token (for curl and other tools) and exits. Prints a progress bar and a summary per resource type; a 429 is retried after its
 * Retry-After; any other failure stops the load with exit code 1, naming the bundle and the server's diagnostics.
 */
public class PopulationLoader {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final int MAX_RATE_LIMIT_RETRIES = 20;
    /** The identifier system of the Group each loaded population becomes. */
    static final String POPULATION_SYSTEM = "https://smartguard.org/fhir/population";
    /** A bundle entry's result: HAPI writes response.status before response.location. */
    private static final Pattern ENTRY_RESULT = Pattern.compile(
            "\"status\"\\s*:\\s*\"(\\d{3})[^\"]*\"(?:\\s*,\\s*\"location\"\\s*:\\s*\"[^\"]*?/([A-Z][A-Za-z]+)/([^/\"]+)/_history/)?");

    private final String fhirBase;
    private final Token token;
    private final HttpClient http;
    private final Progress progress;
    private final Map<String, Integer> created = new TreeMap<>();
    private int alreadyPresent;
    /** Each patient bundle's Patient: the summary names the first bundle's, whichever thread finished first. */
    private final Map<Path, String> patientOf = new java.util.HashMap<>();
    private Path firstPatientBundle;
    private String firstPractitioner;

    PopulationLoader(HttpClient http, String fhirBase, Token token, Progress progress) {
        this.http = http;
        this.fhirBase = fhirBase;
        this.token = token;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>();
        List<String> dirs = new ArrayList<>();
        boolean printToken = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--print-token")) {
                printToken = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                dirs.add(args[i]);
            }
        }
        String fhir = options.get("fhir");
        boolean tokenOnly = printToken && options.containsKey("key") && dirs.isEmpty();
        if (fhir == null || !tokenOnly && (dirs.size() != 1 || (options.containsKey("key") == options.containsKey("token-file")))) {
            System.err.println("usage: java PopulationLoader.java --fhir URL (--client-id ID --key JWK_FILE [--scope S] "
                    + "| --token-file FILE) [--threads N] [--group NAME] DIR\n"
                    + "       java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] --print-token");
            System.exit(2);
        }
        fhir = fhir.replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        if (tokenOnly) {
            // a backend-services access token for other tools (the README's export example), on stdout
            System.out.println(new BackendToken(http, fhir, options.getOrDefault("client-id", "demo-backend"), Path.of(options.get("key")),
                    options.getOrDefault("scope", "system/*.cs")).current());
            return;
        }
        List<Path> bundles = bundlesInLoadOrder(Path.of(dirs.get(0)));
        Token token = options.containsKey("key")
                ? new BackendToken(http, fhir, options.getOrDefault("client-id", "demo-backend"), Path.of(options.get("key")),
                        options.getOrDefault("scope", "system/*.cs"))
                : new FixedToken(Files.readString(Path.of(options.get("token-file"))).trim());
        PopulationLoader loader = new PopulationLoader(http, fhir, token, new Progress(bundles.size()));
        Path dir = Path.of(dirs.get(0)).toAbsolutePath();
        String groupName = options.getOrDefault("group", dir.getParent() == null ? dir.getFileName().toString() : dir.getParent().getFileName().toString());
        try {
            loader.load(bundles, Integer.parseInt(options.getOrDefault("threads", "2")));
            loader.printSummary();
            loader.postGroup(groupName);
        } catch (LoadFailure e) {
            System.out.println();
            System.err.println("population: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Hospitals, then practitioners, then patients; each group in name order, so a seed always loads alike. */
    static List<Path> bundlesInLoadOrder(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> ordered = files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparingInt(PopulationLoader::loadRank).thenComparing(Path::getFileName)).toList();
            if (ordered.isEmpty()) {
                throw new IOException("no bundles (*.json) in " + dir);
            }
            return ordered;
        }
    }

    /** 0 for Synthea's hospital bundles, 1 for its practitioner bundles, 2 for the patients, who refer to both. */
    static int loadRank(Path bundle) {
        String name = bundle.getFileName().toString();
        return name.startsWith("hospitalInformation") ? 0 : name.startsWith("practitionerInformation") ? 1 : 2;
    }

    void load(List<Path> bundles, int threads) throws Exception {
        List<Path> patients = new ArrayList<>();
        for (Path bundle : bundles) {
            if (loadRank(bundle) < 2) {
                post(bundle);
            } else {
                patients.add(bundle);
            }
        }
        firstPatientBundle = patients.isEmpty() ? null : patients.get(0);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> results = new ArrayList<>();
            for (Path bundle : patients) {
                results.add(pool.submit(() -> {
                    post(bundle);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                try {
                    result.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof LoadFailure failure) {
                        throw failure;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void post(Path bundle) throws IOException, InterruptedException {
        byte[] body = Files.readAllBytes(bundle);
        boolean renewed = false;
        for (int attempt = 0; ; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(fhirBase)).timeout(TIMEOUT)
                    .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                    .header("Authorization", "Bearer " + token.current())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
                // the gateway's budget for this client is spent: wait as told, as a well-behaved client does
                long seconds = response.headers().firstValueAsLong("Retry-After").orElse(5);
                Thread.sleep(Duration.ofSeconds(Math.max(1, seconds)).toMillis());
                continue;
            }
            if (response.statusCode() == 401 && !renewed && token.renew()) {
                renewed = true;
                continue;
            }
            if (response.statusCode() != 200) {
                throw new LoadFailure(bundle, response.statusCode() + " " + diagnostics(response.body()));
            }
            record(bundle, response.body());
            return;
        }
    }

    private synchronized void record(Path bundle, String responseBody) {
        Matcher entry = ENTRY_RESULT.matcher(responseBody);
        int resources = 0;
        while (entry.find()) {
            int status = Integer.parseInt(entry.group(1));
            if (status >= 300) {
                // a batch (the hospital and practitioner bundles) answers 200 even when entries fail
                throw new LoadFailure(bundle, "an entry failed with " + status + ": " + diagnostics(responseBody));
            }
            String type = entry.group(2);
            if (status == 201 && type != null) {
                created.merge(type, 1, Integer::sum);
                resources++;
                if (type.equals("Patient")) {
                    patientOf.putIfAbsent(bundle, "Patient/" + entry.group(3));
                } else if (firstPractitioner == null && type.equals("Practitioner")) {
                    firstPractitioner = "Practitioner/" + entry.group(3);
                }
            } else {
                alreadyPresent++; // a conditional create that matched what an earlier load stored
            }
        }
        progress.bundleDone(resources);
    }

    private void printSummary() {
        progress.finish();
        int total = created.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("population: %,d resources created in %d bundles (%.0f s, %.0f resources/s)%s%n", total,
                progress.bundles, progress.seconds(), total / Math.max(progress.seconds(), 0.001),
                alreadyPresent == 0 ? "" : String.format("; %,d were already there", alreadyPresent));
        created.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %-26s %,8d%n", e.getKey(), e.getValue()));
        if (patientOf.containsKey(firstPatientBundle)) {
            System.out.println("population: first patient " + patientOf.get(firstPatientBundle) + " (" + firstPatientBundle.getFileName() + ")"
                    + (firstPractitioner == null ? "" : ", first practitioner " + firstPractitioner));
        }
    }

    /**
     * A Group ({@code type: person}, {@code actual: true}) whose members are the Patients this load created, created
     * unless the population's group already exists. Nothing when the load created no patient.
     */
    void postGroup(String name) throws IOException, InterruptedException {
        List<String> members = patientOf.values().stream().sorted().toList();
        if (members.isEmpty()) {
            return;
        }
        String group = "{\"resourceType\":\"Group\",\"identifier\":[{\"system\":\"" + POPULATION_SYSTEM + "\",\"value\":\"" + name + "\"}],"
                + "\"type\":\"person\",\"actual\":true,\"name\":\"Synthea population " + name + "\",\"quantity\":" + members.size()
                + ",\"member\":[" + String.join(",", members.stream().map(patient -> "{\"entity\":{\"reference\":\"" + patient + "\"}}").toList())
                + "]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(fhirBase + "/Group")).timeout(TIMEOUT)
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                .header("Authorization", "Bearer " + token.current())
                .header("If-None-Exist", "identifier=" + URLEncoder.encode(POPULATION_SYSTEM + "|" + name, StandardCharsets.UTF_8))
                .POST(HttpRequest.BodyPublishers.ofString(group)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new LoadFailure(Path.of(name), "the population's Group was refused: " + response.statusCode() + " " + diagnostics(response.body()));
        }
        String id = jsonString(response.body(), "id");
        System.out.println("population: Group/" + id + " (" + (response.statusCode() == 201 ? members.size() + " members, created" : "already there")
                + "); export it with GET /fhir/Group/" + id + "/$export");
    }

    /** The OperationOutcome's diagnostics, or the start of the body. */
    static String diagnostics(String body) {
        String diagnostics = jsonString(body, "diagnostics");
        if (diagnostics != null) {
            return diagnostics;
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    /** The first string member NAME of a JSON text (enough for the flat objects read here). */
    static String jsonString(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\") : null;
    }

    static final class LoadFailure extends RuntimeException {
        LoadFailure(Path bundle, String message) {
            super(bundle.getFileName() + ": " + message);
        }
    }

    interface Token {
        String current() throws IOException, InterruptedException;

        /** Gets a new token after a 401; false when that cannot help. */
        boolean renew();
    }

    record FixedToken(String value) implements Token {
        public String current() {
            return value;
        }

        public boolean renew() {
            return false;
        }
    }

    /** SMART Backend Services: a client_credentials grant authenticated by a signed client assertion (RFC 7523). */
    static final class BackendToken implements Token {

        private final HttpClient http;
        private final String fhirBase;
        private final String clientId;
        private final Path keyFile;
        private final String scope;
        private String tokenEndpoint;
        private String value;
        private Instant renewAt = Instant.MIN;

        BackendToken(HttpClient http, String fhirBase, String clientId, Path keyFile, String scope) {
            this.http = http;
            this.fhirBase = fhirBase;
            this.clientId = clientId;
            this.keyFile = keyFile;
            this.scope = scope;
        }

        public synchronized String current() throws IOException, InterruptedException {
            if (value == null || Instant.now().isAfter(renewAt)) {
                fetch();
            }
            return value;
        }

        public synchronized boolean renew() {
            value = null;
            return true;
        }

        private void fetch() throws IOException, InterruptedException {
            if (tokenEndpoint == null) {
                String discovery = get(fhirBase + "/.well-known/smart-configuration");
                tokenEndpoint = jsonString(discovery, "token_endpoint");
                if (tokenEndpoint == null) {
                    throw new IOException("no token_endpoint in " + fhirBase + "/.well-known/smart-configuration");
                }
            }
            String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
                    + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                    + "&client_assertion=" + assertion();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tokenEndpoint)).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            String accessToken = jsonString(response.body(), "access_token");
            if (response.statusCode() != 200 || accessToken == null) {
                throw new IOException("the token endpoint " + tokenEndpoint + " answered " + response.statusCode() + ": "
                        + jsonString(response.body(), "error_description"));
            }
            Matcher expiresIn = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)").matcher(response.body());
            long lifetime = expiresIn.find() ? Long.parseLong(expiresIn.group(1)) : 60;
            value = accessToken;
            // renewed at half its life, so a bundle never starts with a token about to expire
            renewAt = Instant.now().plusSeconds(lifetime / 2);
        }

        private String get(String url) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode());
            }
            return response.body();
        }

        /** RS384 JWT: iss = sub = client_id, aud = the token endpoint, five minutes, a fresh jti. */
        private String assertion() throws IOException {
            String jwk = Files.readString(keyFile);
            long now = Instant.now().getEpochSecond();
            String header = "{\"alg\":\"RS384\",\"typ\":\"JWT\",\"kid\":" + quote(jsonString(jwk, "kid")) + "}";
            String claims = "{\"iss\":" + quote(clientId) + ",\"sub\":" + quote(clientId) + ",\"aud\":" + quote(tokenEndpoint)
                    + ",\"iat\":" + now + ",\"exp\":" + (now + 300) + ",\"jti\":" + quote(UUID.randomUUID().toString()) + "}";
            String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "." + base64Url(claims.getBytes(StandardCharsets.UTF_8));
            try {
                Signature rs384 = Signature.getInstance("SHA384withRSA");
                rs384.initSign(rsaPrivateKey(jwk));
                rs384.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + base64Url(rs384.sign());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot sign with the key in " + keyFile + " (an RSA private JWK is needed)", e);
            }
        }

        private static PrivateKey rsaPrivateKey(String jwk) throws java.security.GeneralSecurityException {
            return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(number(jwk, "n"), number(jwk, "e"),
                    number(jwk, "d"), number(jwk, "p"), number(jwk, "q"), number(jwk, "dp"), number(jwk, "dq"), number(jwk, "qi")));
        }

        private static BigInteger number(String jwk, String member) throws java.security.GeneralSecurityException {
            String value = jsonString(jwk, member);
            if (value == null) {
                throw new java.security.spec.InvalidKeySpecException("the JWK has no " + member);
            }
            return new BigInteger(1, Base64.getUrlDecoder().decode(value));
        }

        private static String base64Url(byte[] bytes) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }

        private static String quote(String value) {
            return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /** A bar redrawn in place on a terminal; elsewhere (a log) a line at every tenth of the bundles. */
    static final class Progress {
        private static final int WIDTH = 30;
        private final int total;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private int bundles;
        private int resources;
        private int lastTenth;

        Progress(int total) {
            this.total = total;
        }

        synchronized void bundleDone(int createdResources) {
            bundles++;
            resources += createdResources;
            int tenth = bundles * 10 / total;
            if (terminal) {
                System.out.print("\r" + line());
                System.out.flush();
            } else if (tenth > lastTenth || bundles == total) {
                lastTenth = tenth;
                System.out.println(line());
            }
        }

        synchronized void finish() {
            if (terminal) {
                System.out.println();
            }
        }

        double seconds() {
            return (System.nanoTime() - start) / 1e9;
        }

        private String line() {
            int filled = bundles * WIDTH / total;
            return String.format("population [%s%s] %d/%d bundles, %,d resources, %.0f s", "#".repeat(filled),
                    ".".repeat(WIDTH - filled), bundles, total, resources, seconds());
        }
    }
}
