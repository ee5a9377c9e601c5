import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's load generator: GET requests at a fixed rate (open loop), each for a random patient with that patient's
 * own token, for a whole number of intervals, and every process's RSS sampled at the start and at the end of each
 * interval.
 *
 * Open loop on purpose: a request leaves at its scheduled time whether or not earlier ones have been answered, and its
 * latency counts from that scheduled time. A closed-loop tool (wrk, or wrk with a Lua delay() per connection) sends
 * the next request only after the previous answer, so a slowing server is offered less load and its stall is hidden
 * (coordinated omission): exactly what a soak must not do.
 *
 * Usage: java PacedLoad.java BASE_URL TOKENS_FILE PATH_TEMPLATE RATE INTERVAL_SECONDS INTERVALS OUT_DIR NAME=PID...
 *   TOKENS_FILE: "patient-id token" lines; PATH_TEMPLATE: {patient} is replaced by the id.
 * Writes OUT_DIR/rows.tsv (BenchReport rows, one per interval: requests/s answered, p50/p90/p99 ms, errors) and
 * OUT_DIR/rss.tsv (minute, process name, RSS MiB). Errors: a non-2xx answer, a failure, or no answer within 30 s.
 */
public class PacedLoad {

    record Outcome(long latencyNanos, boolean ok) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String[]> tokens = Files.readAllLines(Path.of(args[1])).stream().filter(line -> !line.isBlank())
                .map(line -> line.split(" ", 2)).toList();
        String template = args[2];
        double rate = Double.parseDouble(args[3]);
        int intervalSeconds = Integer.parseInt(args[4]);
        int intervals = Integer.parseInt(args[5]);
        Path out = Path.of(args[6]);
        Map<String, Long> processes = new LinkedHashMap<>();
        for (int i = 7; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            processes.put(pair[0], Long.parseLong(pair[1]));
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<ConcurrentLinkedQueue<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < intervals; i++) {
            outcomes.add(new ConcurrentLinkedQueue<>());
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        List<String> rss = new ArrayList<>();
        sampleRss(processes, 0, rss);

        long period = (long) (1e9 / rate);
        long intervalNanos = intervalSeconds * 1_000_000_000L;
        long start = System.nanoTime();
        long end = start + intervals * intervalNanos;
        int sampled = 0;
        for (long scheduled = start; scheduled < end; scheduled += period) {
            // the RSS samples fall on interval boundaries, between two scheduled requests
            int boundary = (int) ((scheduled - start) / intervalNanos);
            while (sampled < boundary) {
                sampled++;
                sampleRss(processes, sampled * intervalSeconds / 60.0, rss);
                progress(sampled, outcomes.get(sampled - 1), intervalSeconds, inFlight.get());
            }
            LockSupport.parkNanos(scheduled - System.nanoTime());
            String[] patient = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + template.replace("{patient}", patient[0])))
                    .header("Authorization", "Bearer " + patient[1]).timeout(Duration.ofSeconds(30)).GET().build();
            ConcurrentLinkedQueue<Outcome> bucket = outcomes.get(boundary);
            long due = scheduled;
            inFlight.incrementAndGet();
            sent.incrementAndGet();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                bucket.add(new Outcome(System.nanoTime() - due, failure == null && response.statusCode() / 100 == 2));
                inFlight.decrementAndGet();
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(35).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        while (sampled < intervals) {
            sampled++;
            sampleRss(processes, sampled * intervalSeconds / 60.0, rss);
            progress(sampled, outcomes.get(sampled - 1), intervalSeconds, inFlight.get());
        }

        List<String> rows = new ArrayList<>();
        long answered = 0;
        for (int i = 0; i < intervals; i++) {
            List<Long> latencies = new ArrayList<>();
            long errors = 0;
            for (Outcome outcome : outcomes.get(i)) {
                latencies.add(outcome.latencyNanos());
                errors += outcome.ok() ? 0 : 1;
            }
            answered += latencies.size();
            Collections.sort(latencies);
            rows.add(String.format(Locale.ROOT, "%s\t%.1f\t%.3f\t%.3f\t%.3f\t%d", label(i + 1, intervalSeconds),
                    latencies.size() / (double) intervalSeconds, ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), errors));
        }
        // a request still unanswered at the end is an error of the last interval
        long unanswered = sent.get() - answered;
        if (unanswered > 0) {
            String[] last = rows.get(intervals - 1).split("\t");
            last[5] = Long.toString(Long.parseLong(last[5]) + unanswered);
            rows.set(intervals - 1, String.join("\t", last));
        }
        Files.createDirectories(out);
        Files.write(out.resolve("rows.tsv"), rows);
        Files.write(out.resolve("rss.tsv"), rss);
        System.err.printf(Locale.ROOT, "soak: %d requests sent at %.1f/s, %d unanswered%n", sent.get(), rate, unanswered);
    }

    static String label(int interval, int intervalSeconds) {
        return intervalSeconds % 60 == 0 ? "minute " + interval * intervalSeconds / 60 : "interval " + interval + " (" + intervalSeconds + " s)";
    }

    static void sampleRss(Map<String, Long> processes, double minute, List<String> rss) throws Exception {
        for (var process : processes.entrySet()) {
            long kb = Files.readAllLines(Path.of("/proc/" + process.getValue() + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:")).mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst()
                    .orElseThrow();
            rss.add(String.format(Locale.ROOT, "%.2f\t%s\t%.1f", minute, process.getKey(), kb / 1024.0));
        }
    }

    static void progress(int interval, ConcurrentLinkedQueue<Outcome> outcomes, int intervalSeconds, int inFlight) {
        long errors = outcomes.stream().filter(outcome -> !outcome.ok()).count();
        System.err.printf(Locale.ROOT, "soak: %s: %d answered, %d errors, %d in flight%n", label(interval, intervalSeconds),
                outcomes.size(), errors, inFlight);
    }

    static double ms(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (quantile * sorted.size()))) / 1e6;
    }
}
