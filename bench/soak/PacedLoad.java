import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The soak's load generator: GET requests at a fixed rate (open loop) over a fixed pool of keep-alive connections,
 * each for a random patient with that patient's own token, for a whole number of intervals; every process's RSS and
 * CPU (this generator's own included) sampled at the start and at the end of each interval.
 *
 * Open loop on purpose, as wrk2 does it: a request is due at its scheduled time whether or not earlier ones have been
 * answered, and its latency counts from that time, including any wait for a free connection. A closed-loop tool (wrk)
 * sends the next request only after the previous answer, so a slowing server is offered less load and its stall is
 * hidden (coordinated omission): exactly what a soak must not do.
 *
 * A fixed pool, like a real client's, and one Vert.x event loop: the first version used java.net.http, which opens a
 * new connection whenever none is idle; on a stack that slowed for a moment it opened hundreds, the gateway's memory
 * grew with them, and the generator's own threads took CPU the two cores did not have.
 *
 * The first WARMUP_SECONDS run at the same rate and are not counted: they warm this generator's own JIT and open its
 * connections (without them the first interval's p90 measured the generator, 296 ms against 9 ms after).
 *
 * Usage: java PacedLoad.java BASE_URL TOKENS_FILE PATH_TEMPLATE RATE CONNECTIONS WARMUP_SECONDS INTERVAL_SECONDS INTERVALS OUT_DIR NAME=PID...
 *   TOKENS_FILE: "patient-id token" lines; PATH_TEMPLATE: {patient} is replaced by the id.
 * Writes OUT_DIR/rows.tsv (BenchReport rows, one per interval: requests/s answered, p50/p90/p99 ms, errors),
 * OUT_DIR/rss.tsv (minute, process name, RSS MiB) and OUT_DIR/cpu.tsv (minute, process name, % of one core over the
 * interval ending then). Errors: a non-2xx answer, a failure, or no answer within 30 s of the due time.
 */
public class PacedLoad {

    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** USER_HZ: /proc/PID/stat counts CPU time in these ticks (100 on Linux, whatever HZ the kernel runs at) */
    static final double TICKS_PER_SECOND = 100;

    record Outcome(long latencyNanos, String error) {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String[]> tokens = Files.readAllLines(Path.of(args[1])).stream().filter(line -> !line.isBlank())
                .map(line -> line.split(" ", 2)).toList();
        String template = args[2];
        double rate = Double.parseDouble(args[3]);
        int connections = Integer.parseInt(args[4]);
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        int intervalSeconds = Integer.parseInt(args[6]);
        int intervals = Integer.parseInt(args[7]);
        Path out = Path.of(args[8]);
        Map<String, Long> processes = new LinkedHashMap<>();
        for (int i = 9; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            processes.put(pair[0], Long.parseLong(pair[1]));
        }
        processes.put("load generator", ProcessHandle.current().pid());

        URI uri = URI.create(base);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));

        // everything below until the drain runs on the one event loop: no locks
        List<List<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < intervals; i++) {
            outcomes.add(new ArrayList<>());
        }
        long[] sent = { 0 };
        long[] answered = { 0 };
        long period = (long) (1e9 / rate);
        long intervalNanos = intervalSeconds * 1_000_000_000L;
        long warmupStart = System.nanoTime();
        long start = warmupStart + warmupNanos;
        long end = start + intervals * intervalNanos;
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        long[] next = { warmupStart };
        // a 1 ms tick sends every request that has fallen due: the schedule, not the timer, sets the times
        vertx.setPeriodic(1, timer -> {
            long now = System.nanoTime();
            while (next[0] <= now && next[0] < end) {
                long due = next[0];
                next[0] += period;
                List<Outcome> bucket = due < start ? null : outcomes.get((int) ((due - start) / intervalNanos));
                String[] patient = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
                sent[0]++;
                http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost()).setPort(uri.getPort()).setURI(template.replace("{patient}", patient[0]))
                        .putHeader("Authorization", "Bearer " + patient[1]))
                        .compose(request -> request.send())
                        .compose(response -> response.body().map(body -> response.statusCode()))
                        .onComplete(result -> {
                            answered[0]++;
                            if (bucket == null) {
                                return;
                            }
                            long latency = System.nanoTime() - due;
                            String error = result.failed() ? result.cause().getClass().getSimpleName()
                                    : result.result() / 100 != 2 ? "HTTP " + result.result()
                                    : latency > TIMEOUT_NANOS ? "over 30 s" : null;
                            bucket.add(new Outcome(latency, error));
                        });
            }
            if (next[0] >= end) {
                vertx.cancelTimer(timer);
                allSent.complete(null);
            }
        });

        Map<String, long[]> cpuBefore = new LinkedHashMap<>();
        List<String> rss = new ArrayList<>();
        List<String> cpu = new ArrayList<>();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, start - System.nanoTime()));
        sample(processes, 0, intervalSeconds, rss, cpu, cpuBefore);
        for (int i = 1; i <= intervals; i++) {
            long wait = start + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            sample(processes, i * intervalSeconds / 60.0, intervalSeconds, rss, cpu, cpuBefore);
            int interval = i;
            long inFlight = onLoop(vertx, () -> sent[0] - answered[0]);
            long errors = onLoop(vertx, () -> outcomes.get(interval - 1).stream().filter(o -> o.error() != null).count());
            long done = onLoop(vertx, () -> (long) outcomes.get(interval - 1).size());
            System.err.printf(Locale.ROOT, "soak: %s: %d answered, %d errors, %d in flight; %s%n", label(i, intervalSeconds), done,
                    errors, inFlight, cpu.subList(cpu.size() - processes.size(), cpu.size()).stream()
                            .map(line -> line.split("\t")).map(f -> f[1] + " " + f[2] + "%").toList());
        }
        allSent.get();
        long deadline = System.nanoTime() + TIMEOUT_NANOS + TimeUnit.SECONDS.toNanos(5);
        while (onLoop(vertx, () -> sent[0] - answered[0]) > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }

        List<String> rows = new ArrayList<>();
        Map<String, Long> errorKinds = new TreeMap<>();
        long unanswered = onLoop(vertx, () -> sent[0] - answered[0]);
        for (int i = 0; i < intervals; i++) {
            int interval0 = i;
            List<Outcome> bucket = onLoop(vertx, () -> List.copyOf(outcomes.get(interval0)));
            List<Long> latencies = new ArrayList<>();
            long errors = i == intervals - 1 ? unanswered : 0;
            for (Outcome outcome : bucket) {
                latencies.add(outcome.latencyNanos());
                if (outcome.error() != null) {
                    errors++;
                    errorKinds.merge(outcome.error(), 1L, Long::sum);
                }
            }
            Collections.sort(latencies);
            rows.add(String.format(Locale.ROOT, "%s\t%.1f\t%.3f\t%.3f\t%.3f\t%d", label(i + 1, intervalSeconds),
                    latencies.size() / (double) intervalSeconds, ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99), errors));
        }
        Files.createDirectories(out);
        Files.write(out.resolve("rows.tsv"), rows);
        Files.write(out.resolve("rss.tsv"), rss);
        Files.write(out.resolve("cpu.tsv"), cpu);
        System.err.printf(Locale.ROOT, "soak: %d requests sent at %.1f/s over at most %d connections, %d unanswered, errors by kind: %s%n",
                sent[0], rate, connections, unanswered, errorKinds);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Runs a read of the event loop's state on the event loop, so that the main thread sees it whole. */
    static <T> T onLoop(Vertx vertx, Callable<T> read) throws Exception {
        CompletableFuture<T> value = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            try {
                value.complete(read.call());
            } catch (Exception e) {
                value.completeExceptionally(e);
            }
        });
        return value.get(10, TimeUnit.SECONDS);
    }

    static String label(int interval, int intervalSeconds) {
        return intervalSeconds % 60 == 0 ? "minute " + interval * intervalSeconds / 60 : "interval " + interval + " (" + intervalSeconds + " s)";
    }

    /** RSS now, and CPU used since the previous sample as a percentage of one core. */
    static void sample(Map<String, Long> processes, double minute, int intervalSeconds, List<String> rss, List<String> cpu,
            Map<String, long[]> cpuBefore) throws Exception {
        for (var process : processes.entrySet()) {
            Path proc = Path.of("/proc/" + process.getValue());
            long kb = Files.readAllLines(proc.resolve("status")).stream().filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElseThrow();
            rss.add(String.format(Locale.ROOT, "%.2f\t%s\t%.1f", minute, process.getKey(), kb / 1024.0));
            // fields after the command's closing parenthesis: state is the first, utime the 12th, stime the 13th
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long[] before = cpuBefore.put(process.getKey(), new long[] { ticks });
            if (before != null) {
                cpu.add(String.format(Locale.ROOT, "%.2f\t%s\t%.1f", minute, process.getKey(),
                        (ticks - before[0]) / TICKS_PER_SECOND / intervalSeconds * 100));
            }
        }
    }

    static double ms(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (quantile * sorted.size()))) / 1e6;
    }
}
