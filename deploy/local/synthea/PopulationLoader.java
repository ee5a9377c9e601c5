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
 *   java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] [--threads N] [--group NAME] [LINK] DIR
 *   java PopulationLoader.java --fhir URL --token-file FILE [--threads N] [--group NAME] [LINK] DIR
 *   java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] --print-token
 *
 * LINK = --link-patient ID --link-practitioner ID: one generated patient becomes Patient/ID and the clinician who saw
 * that patient most becomes Practitioner/ID (see {@link DemoLink}), so a demo user's fhirUser is a Synthea record.
 * --group NAME: the name of the Group of loaded patients posted last (default: the population folder's name).
 * --print-token prints a token for the scope and exits (the demo's way to get a system token by hand).
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
        boolean usage = fhir == null || (options.containsKey("key") == options.containsKey("token-file"))
                || options.containsKey("link-patient") != options.containsKey("link-practitioner");
        if (usage || (printToken ? !dirs.isEmpty() || !options.containsKey("key") : dirs.size() != 1)) {
            System.err.println("usage: java PopulationLoader.java --fhir URL (--client-id ID --key JWK_FILE [--scope S] "
                    + "| --token-file FILE) [--threads N] [--group NAME] [--link-patient ID --link-practitioner ID] DIR\n"
                    + "       java PopulationLoader.java --fhir URL --client-id ID --key JWK_FILE [--scope S] --print-token");
            System.exit(2);
        }
        fhir = fhir.replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Token token = options.containsKey("key")
                ? new BackendToken(http, fhir, options.getOrDefault("client-id", "demo-backend"), Path.of(options.get("key")),
                        options.getOrDefault("scope", "system/*.cs"))
                : new FixedToken(Files.readString(Path.of(options.get("token-file"))).trim());
        if (printToken) {
            // a backend-services access token for other tools (./suite token, the README's export example), on stdout
            System.out.println(token.current());
            return;
        }
        List<Path> bundles = bundlesInLoadOrder(Path.of(dirs.get(0)));
        Path dir = Path.of(dirs.get(0)).toAbsolutePath();
        String groupName = options.getOrDefault("group", dir.getParent() == null ? dir.getFileName().toString() : dir.getParent().getFileName().toString());
        try {
            DemoLink link = options.containsKey("link-patient")
                    ? DemoLink.choose(bundles, options.get("link-patient"), options.get("link-practitioner"))
                    : null;
            PopulationLoader loader = new PopulationLoader(http, fhir, token, new Progress(bundles.size()));
            loader.load(bundles, link, Integer.parseInt(options.getOrDefault("threads", "2")));
            loader.printSummary();
            loader.postGroup(groupName);
            if (link != null) {
                System.out.println("population: " + link.describe());
            }
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

    /** Posts every bundle; LINK (may be null) rewrites the demo users' two entries on the way. */
    void load(List<Path> bundles, DemoLink link, int threads) throws Exception {
        List<Path> patients = new ArrayList<>();
        for (Path bundle : bundles) {
            if (loadRank(bundle) < 2) {
                post(bundle, link);
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
                    post(bundle, link);
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

    private void post(Path bundle, DemoLink link) throws IOException, InterruptedException {
        byte[] body = link == null ? Files.readAllBytes(bundle) : link.body(bundle);
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

    /**
     * The demo users' records in the population. The first patient bundle (in load order) with the most of what the
     * demo app shows becomes Patient/PATIENT: charted vital signs (body weight, heart rate, blood pressure) weigh most,
     * then an active medication, then an active allergy. The clinician in most of that patient's encounters becomes
     * Practitioner/PRACTITIONER. Both entries become PUTs to those ids: the patient entry keeps its fullUrl, so every
     * urn:uuid reference of its transaction now leads to Patient/PATIENT, and the clinician keeps the NPI identifier
     * that every patient transaction's conditional references ({@code Practitioner?identifier=...}) resolve by.
     */
    static final class DemoLink {

        private static final String NPI = "http://hl7.org/fhir/sid/us-npi";
        private static final String NPI_REFERENCE = "Practitioner?identifier=" + NPI + "|";
        private static final String BODY_WEIGHT = "29463-7";
        private static final String HEART_RATE = "8867-4";
        /** The blood-pressure panel, or its systolic part on its own. */
        private static final List<String> BLOOD_PRESSURE = List.of("85354-9", "8480-6");

        private final String patientId;
        private final String practitionerId;
        private final Path patientBundle;
        private final Traits traits;
        private final String npi;
        private final Map<Path, byte[]> rewritten = new java.util.HashMap<>();

        /** What the demo app can show of one patient. */
        record Traits(boolean vitalSigns, boolean activeMedication, boolean activeAllergy) {
            static final int ALL = 7;

            int weight() {
                return (vitalSigns ? 4 : 0) + (activeMedication ? 2 : 0) + (activeAllergy ? 1 : 0);
            }

            String describe() {
                return (vitalSigns ? "vital signs" : "no charted vital signs") + ", " + (activeMedication ? "an" : "no")
                        + " active medication, " + (activeAllergy ? "an" : "no") + " active allergy";
            }
        }

        private DemoLink(String patientId, String practitionerId, Path patientBundle, Traits traits, String npi) {
            this.patientId = patientId;
            this.practitionerId = practitionerId;
            this.patientBundle = patientBundle;
            this.traits = traits;
            this.npi = npi;
        }

        static DemoLink choose(List<Path> bundles, String patientId, String practitionerId) throws IOException {
            Path best = null;
            Traits bestTraits = null;
            for (Path bundle : bundles) {
                if (loadRank(bundle) == 2) {
                    Traits traits = traitsOf(read(bundle));
                    if (bestTraits == null || traits.weight() > bestTraits.weight()) {
                        best = bundle;
                        bestTraits = traits;
                    }
                    if (traits.weight() == Traits.ALL) {
                        break;
                    }
                }
            }
            if (best == null) {
                throw new IOException("no patient bundle to link " + patientId + " to");
            }
            Map<String, Object> patient = read(best);
            String npi = mostFrequentClinician(patient, best);
            DemoLink link = new DemoLink(patientId, practitionerId, best, bestTraits, npi);
            link.rewritten.put(best, Json.write(link.linkPatient(patient, best)).getBytes(StandardCharsets.UTF_8));
            for (Path bundle : bundles) {
                if (loadRank(bundle) == 1) {
                    Map<String, Object> practitioners = read(bundle);
                    if (link.linkPractitioner(practitioners)) {
                        link.rewritten.put(bundle, Json.write(practitioners).getBytes(StandardCharsets.UTF_8));
                        return link;
                    }
                }
            }
            throw new LoadFailure(best, "no practitioner bundle holds the clinician with NPI " + npi);
        }

        /** The bundle's bytes as they are to be posted. */
        byte[] body(Path bundle) throws IOException {
            byte[] body = rewritten.get(bundle);
            return body != null ? body : Files.readAllBytes(bundle);
        }

        String describe() {
            return "Patient/" + patientId + " is " + patientBundle.getFileName() + " (" + traits.describe() + "), Practitioner/"
                    + practitionerId + " is NPI " + npi + ", the clinician of most of that patient's encounters";
        }

        static Traits traitsOf(Map<String, Object> bundle) {
            java.util.Set<String> vitals = new java.util.HashSet<>();
            boolean medication = false;
            boolean allergy = false;
            for (Map<String, Object> resource : resources(bundle)) {
                switch (String.valueOf(resource.get("resourceType"))) {
                    case "Observation" -> {
                        if (codes(resource.get("category")).contains("vital-signs")) {
                            vitals.addAll(codes(resource.get("code")));
                        }
                    }
                    case "MedicationRequest" -> medication |= "active".equals(resource.get("status"));
                    case "AllergyIntolerance" -> allergy |= codes(resource.get("clinicalStatus")).contains("active");
                    default -> {
                    }
                }
            }
            boolean charted = vitals.contains(BODY_WEIGHT) && vitals.contains(HEART_RATE)
                    && BLOOD_PRESSURE.stream().anyMatch(vitals::contains);
            return new Traits(charted, medication, allergy);
        }

        /** The NPI the patient's encounters name most often (ties: the smallest), from their conditional references. */
        private static String mostFrequentClinician(Map<String, Object> bundle, Path file) {
            Map<String, Integer> encounters = new TreeMap<>();
            for (Map<String, Object> resource : resources(bundle)) {
                if ("Encounter".equals(resource.get("resourceType"))) {
                    for (Object participant : list(resource.get("participant"))) {
                        Object reference = map(map(participant).get("individual")).get("reference");
                        if (reference instanceof String ref && ref.startsWith(NPI_REFERENCE)) {
                            encounters.merge(ref.substring(NPI_REFERENCE.length()), 1, Integer::sum);
                        }
                    }
                }
            }
            return encounters.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                    .map(Map.Entry::getKey)
                    .orElseThrow(() -> new LoadFailure(file, "the chosen patient's encounters name no clinician by NPI"));
        }

        private Map<String, Object> linkPatient(Map<String, Object> bundle, Path file) {
            for (Object entry : list(bundle.get("entry"))) {
                Map<String, Object> resource = map(map(entry).get("resource"));
                if ("Patient".equals(resource.get("resourceType"))) {
                    putWithId(map(entry), resource, "Patient", patientId);
                    return bundle;
                }
            }
            throw new LoadFailure(file, "no Patient entry");
        }

        private boolean linkPractitioner(Map<String, Object> bundle) {
            for (Object entry : list(bundle.get("entry"))) {
                Map<String, Object> resource = map(map(entry).get("resource"));
                if ("Practitioner".equals(resource.get("resourceType")) && list(resource.get("identifier")).stream()
                        .map(DemoLink::map).anyMatch(id -> NPI.equals(id.get("system")) && npi.equals(id.get("value")))) {
                    putWithId(map(entry), resource, "Practitioner", practitionerId);
                    return true;
                }
            }
            return false;
        }

        /** The entry creates or updates TYPE/ID (a conditional create's ifNoneExist goes with the POST). */
        private static void putWithId(Map<String, Object> entry, Map<String, Object> resource, String type, String id) {
            resource.put("id", id);
            Map<String, Object> request = new java.util.LinkedHashMap<>();
            request.put("method", "PUT");
            request.put("url", type + "/" + id);
            entry.put("request", request);
        }

        private static Map<String, Object> read(Path bundle) throws IOException {
            try {
                return map(Json.parse(Files.readString(bundle)));
            } catch (IllegalArgumentException e) {
                throw new LoadFailure(bundle, "not a JSON bundle: " + e.getMessage());
            }
        }

        private static List<Map<String, Object>> resources(Map<String, Object> bundle) {
            return list(bundle.get("entry")).stream().map(entry -> map(map(entry).get("resource"))).toList();
        }

        /** Every coding's code of a CodeableConcept or a list of them. */
        private static java.util.Set<String> codes(Object concepts) {
            java.util.Set<String> codes = new java.util.HashSet<>();
            for (Object concept : concepts instanceof List<?> several ? several : List.of(concepts == null ? Map.of() : concepts)) {
                for (Object coding : list(map(concept).get("coding"))) {
                    if (map(coding).get("code") instanceof String code) {
                        codes.add(code);
                    }
                }
            }
            return codes;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> map(Object value) {
            return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }

        private static List<?> list(Object value) {
            return value instanceof List<?> list ? list : List.of();
        }
    }

    /**
     * Just enough JSON for the two bundles the demo link rewrites (the JDK has no JSON API): objects keep their member
     * order, numbers keep their text, so what is written back differs from what was read only in white space.
     */
    static final class Json {

        /** A number as written, never rounded through a double. */
        record JsonNumber(String text) {
        }

        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) {
                throw json.error("text after the value");
            }
            return value;
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private Object value() {
            space();
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> members = new java.util.LinkedHashMap<>();
            at++;
            space();
            if (take('}')) {
                return members;
            }
            do {
                space();
                if (at >= text.length() || text.charAt(at) != '"') {
                    throw error("a member name");
                }
                String name = string();
                space();
                expect(':');
                members.put(name, value());
                space();
            } while (take(','));
            expect('}');
            return members;
        }

        private List<Object> array() {
            List<Object> items = new ArrayList<>();
            at++;
            space();
            if (take(']')) {
                return items;
            }
            do {
                items.add(value());
                space();
            } while (take(','));
            expect(']');
            return items;
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            at++;
            while (true) {
                if (at >= text.length()) {
                    throw error("an unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = text.charAt(at++);
                switch (escape) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(escape);
                }
            }
        }

        private JsonNumber number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            if (start == at) {
                throw error("a value");
            }
            return new JsonNumber(text.substring(start, at));
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error(word);
            }
            at += word.length();
            return value;
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private boolean take(char c) {
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!take(c)) {
                throw error("'" + c + "'");
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("expected " + expected + " at character " + at);
        }

        private static void write(Object value, StringBuilder out) {
            if (value instanceof Map<?, ?> members) {
                out.append('{');
                String separator = "";
                for (Map.Entry<?, ?> member : members.entrySet()) {
                    out.append(separator);
                    writeString((String) member.getKey(), out);
                    out.append(':');
                    write(member.getValue(), out);
                    separator = ",";
                }
                out.append('}');
            } else if (value instanceof List<?> items) {
                out.append('[');
                for (int i = 0; i < items.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(items.get(i), out);
                }
                out.append(']');
            } else if (value instanceof String string) {
                writeString(string, out);
            } else if (value instanceof JsonNumber number) {
                out.append(number.text());
            } else {
                out.append(value); // true, false, null
            }
        }

        private static void writeString(String value, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
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
