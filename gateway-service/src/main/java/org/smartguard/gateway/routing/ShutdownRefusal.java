package org.smartguard.gateway.routing;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * Once the shutdown delay ({@code quarkus.shutdown.delay}) has passed, a request that has passed the gateway's checks
 * is not forwarded but answered 503 with {@code Retry-After: 1}, and its connection closed (audited like every
 * answer, by {@link ProxyRouter}). Quarkus then waits for the requests under way; new connections are refused by then
 * ({@link ListeningSockets}), but one accepted before may still carry requests: forwarding them would keep the count of
 * requests under way above zero, the wait could run to its timeout, and the close would cut whatever is under way then.
 * A 503 before anything was forwarded is safe for any client to retry, like a refused connection.
 */
@ApplicationScoped
public class ShutdownRefusal {

    public static final String CODE = "SG-GW-SHUTTING-DOWN";

    private final Duration delay;
    /** System.nanoTime() from which requests are refused; 0 while not shutting down. */
    private volatile long refuseFrom;

    ShutdownRefusal(@ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
        this.delay = delay.orElse(Duration.ZERO);
    }

    /** Fired when SIGTERM starts the shutdown delay: the delay is served as usual, what comes after it is refused. */
    void delayStarted(@Observes ShutdownDelayInitiatedEvent event) {
        refuseFrom = System.nanoTime() + delay.toNanos();
    }

    /** Serving again: only a test that played the shutdown needs this, to hand the application on as it found it. */
    void serveAgain() {
        refuseFrom = 0;
    }

    boolean refuses() {
        long from = refuseFrom;
        return from != 0 && System.nanoTime() - from >= 0;
    }
}
