package org.smartguard.e2e;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady stream of GETs through the gateway, {@code perSecond} of them, each with an X-Request-Id of its own, and what
 * became of each. A connection that was refused (nothing was sent) is retried, and so are the gateway's 503s with
 * Retry-After {@code SG-GW-UPSTREAM-UNAVAILABLE} (nothing reached the service, or an idempotent request found it going
 * away) and {@code SG-GW-SHUTTING-DOWN} (the gateway itself is stopping: nothing was forwarded), as a Kubernetes Service
 * with two replicas would send it to the other one; every request that was sent and failed otherwise counts. What
 * java.net.http does on its own is relied on too: a GET whose reused keep-alive connection closes before any answer
 * byte is sent once more on a new connection (RFC 9112 section 9.3.1), as browsers and other HTTP clients do.
 * While refusals last, one request probes every {@code RETRY_PAUSE} and the others wait for it (a retry storm of every
 * waiting request would only measure the client), then all go.
 */
final class SteadyLoad implements AutoCloseable {

    /** What became of one request: the last answer's status (0: none) and why there was none. */
    record Outcome(String requestId, int status, String body, int gatewayAnswers, String failure) {
        boolean answered() {
            return status > 0;
        }
    }

    /** How long one request keeps retrying refused connections: longer than a service's restart. */
    private static final Duration RETRY_FOR = Duration.ofMinutes(3);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    /** Requests under way at most; more wait their turn (a backlog after an outage drains at this concurrency). */
    private static final int SENDERS = 200;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The gateway's 503s (with Retry-After) for requests that were not processed: safe to send again. */
    private static final List<String> RETRY_LATER = List.of("SG-GW-UPSTREAM-UNAVAILABLE", "SG-GW-SHUTTING-DOWN");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    /** Guards the three below: whether connections are being refused, who probes, and when the next probe may go. */
    private final Object gate = new Object();
    private boolean refusing;
    private Thread prober;
    private Instant nextProbe = Instant.MIN;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final AtomicInteger started = new AtomicInteger();
    private final String url;
    private final String token;

    private SteadyLoad(String url, String token) {
        this.url = url;
        this.token = token;
    }

    /** Starts sending GET {@code url} with the bearer token, {@code perSecond} requests a second. */
    static SteadyLoad start(String url, String token, int perSecond) {
        SteadyLoad load = new SteadyLoad(url, token);
        load.ticker.scheduleAtFixedRate(() -> {
            load.started.incrementAndGet();
            load.senders.execute(load::sendOne);
        }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
        return load;
    }

    /** Requests started so far. */
    int started() {
        return started.get();
    }

    /** Stops sending, waits for the requests under way, and returns what became of every request. */
    List<Outcome> stop() {
        ticker.shutdownNow();
        senders.shutdown();
        try {
            if (!senders.awaitTermination(RETRY_FOR.plus(REQUEST_TIMEOUT).toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("requests still under way after the load stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        senders.shutdownNow();
    }

    private void sendOne() {
        String requestId = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token)
                .header("X-Request-Id", requestId).GET().build();
        Instant giveUp = Instant.now().plus(RETRY_FOR);
        int gatewayAnswers = 0;
        Outcome outcome;
        try {
            while (true) {
                awaitTurn(giveUp);
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    gatewayAnswers++;
                    outcome = new Outcome(requestId, response.statusCode(), response.body(), gatewayAnswers, null);
                    if (!(response.statusCode() == 503 && RETRY_LATER.stream().anyMatch(response.body()::contains))) {
                        accepted();
                        break;
                    }
                } catch (ConnectException refused) {
                    outcome = new Outcome(requestId, 0, "", gatewayAnswers, "refused: " + refused);
                } catch (IOException e) {
                    outcome = new Outcome(requestId, 0, "", gatewayAnswers, e.toString());
                    accepted();
                    break;
                }
                if (Instant.now().isAfter(giveUp)) {
                    break;
                }
                refused();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome(requestId, 0, "", gatewayAnswers, "interrupted");
        }
        synchronized (outcomes) {
            outcomes.add(outcome);
        }
    }

    /** Waits while connections are refused until it is this request's turn to probe (or its time is up). */
    private void awaitTurn(Instant giveUp) throws InterruptedException {
        synchronized (gate) {
            while (refusing) {
                Instant now = Instant.now();
                if (prober == null && !now.isBefore(nextProbe)) {
                    prober = Thread.currentThread();
                    return;
                }
                if (now.isAfter(giveUp)) {
                    return;
                }
                gate.wait(RETRY_PAUSE.toMillis());
            }
        }
    }

    private void refused() {
        synchronized (gate) {
            refusing = true;
            if (prober == Thread.currentThread()) {
                prober = null;
            }
            nextProbe = Instant.now().plus(RETRY_PAUSE);
        }
    }

    private void accepted() {
        synchronized (gate) {
            if (refusing) {
                refusing = false;
                prober = null;
                gate.notifyAll();
            }
        }
    }
}
