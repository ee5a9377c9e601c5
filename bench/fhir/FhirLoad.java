import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads the FHIR benchmark's population the way an integrator would: one transaction bundle per patient (the
 * Patient by PUT with the id its bench token names, then its Observations by POST with urn:uuid full URLs),
 * several bundles in flight, with a backend-services token. Prints a TSV row for BenchReport: name, resources/s,
 * p50/p90/p99 per bundle (ms), failed bundles.
 * Usage: java FhirLoad.java FHIR_BASE SYSTEM_TOKEN_FILE PATIENTS OBSERVATIONS_PER_PATIENT THREADS [FIRST [NAME]]
 *   FIRST: the first patient's number (default 1), so that two loads (direct, through the gateway) write different
 *   patients; NAME: the row's name (default "ingest")
 */
public class FhirLoad {

    /** LOINC vital signs (code, display, unit, typical value) and two laboratory results. */
    static final String[][] VITALS = {
            { "8867-4", "Heart rate", "/min", "72" }, { "29463-7", "Body weight", "kg", "70" },
            { "8310-5", "Body temperature", "Cel", "36.8" }, { "9279-1", "Respiratory rate", "/min", "16" },
            { "8302-2", "Body height", "cm", "172" } };
    static final String[][] LABS = { { "2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", "95" },
            { "718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "14" } };

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        int patients = Integer.parseInt(args[2]);
        int observations = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        int first = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        String name = args.length > 6 ? args[6] : "ingest";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        for (int i = first; i < first + patients; i++) {
            String bundle = bundle(i, observations);
            pool.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/fhir+json")
                            .header("Prefer", "return=minimal")
                            .POST(HttpRequest.BodyPublishers.ofString(bundle)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
                        System.err.println("bundle refused: " + response.statusCode() + " " + response.body().substring(0, Math.min(300, response.body().length())));
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    System.err.println("bundle failed: " + e);
                }
                latencies.add(System.nanoTime() - t0);
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double resourcesPerSecond = patients * (1.0 + observations) / seconds;
        System.err.printf(Locale.ROOT, "loaded %d patients x (1 + %d observations) in %.1f s: %.0f resources/s%n", patients,
                observations, seconds, resourcesPerSecond);
        System.out.printf(Locale.ROOT, "%s\t%.1f\t%.3f\t%.3f\t%.3f\t%d%n", name + " (resources/s, transaction bundles of " + (1 + observations) + ")",
                resourcesPerSecond, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), failed.get());
    }

    static double ms(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (quantile * sorted.size()))) / 1e6;
    }

    /** One patient's transaction: 3 of every 4 observations are vital signs, the rest laboratory results. */
    static String bundle(int index, int observations) {
        String id = String.format("bench-patient-%04d", index);
        StringBuilder entries = new StringBuilder();
        entries.append(String.format(Locale.ROOT, """
                {"resource":{"resourceType":"Patient","id":"%s","active":true,
                "identifier":[{"system":"urn:bench:mrn","value":"MRN%06d"}],
                "name":[{"family":"Bench%04d","given":["Pat"]}],"gender":"%s","birthDate":"%s"},
                "request":{"method":"PUT","url":"Patient/%s"}}""", id, index, index,
                index % 2 == 0 ? "female" : "male", LocalDate.of(1940 + index % 60, 1 + index % 12, 1 + index % 28), id));
        for (int o = 0; o < observations; o++) {
            boolean vital = o % 4 != 3;
            String[] code = vital ? VITALS[o % VITALS.length] : LABS[o % LABS.length];
            String category = vital ? "vital-signs" : "laboratory";
            entries.append(String.format(Locale.ROOT, """
                    ,{"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Observation","status":"final",
                    "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"%s"}]}],
                    "code":{"coding":[{"system":"http://loinc.org","code":"%s","display":"%s"}]},
                    "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",
                    "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}},
                    "request":{"method":"POST","url":"Observation"}}""", UUID.randomUUID(), category, code[0], code[1], id,
                    LocalDate.of(2024, 1, 1).plusDays(o * 7L), code[3], code[2], code[2]));
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}";
    }
}
