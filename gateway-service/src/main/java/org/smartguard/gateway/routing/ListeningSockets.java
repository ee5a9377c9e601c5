package org.smartguard.gateway.routing;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The gateway's listening sockets, closed when the shutdown delay ({@code quarkus.shutdown.delay}) ends, as nginx and
 * Envoy stop accepting when they start to drain: from then on a new connection is refused (nothing was sent, so any
 * client may retry it, on another replica) while the connections already accepted are served to the end (what arrives
 * on them is answered, by {@link ShutdownRefusal}). Quarkus itself closes its listening socket only after its wait for
 * the requests under way, and after its event loops stopped: a connection accepted in between is closed unanswered,
 * and so is the client's automatic retry on another new connection.
 *
 * <p>Vert.x has no API to close a listening socket and keep its connections, and Quarkus does not hand out its HTTP
 * server: each request's connection names its listening socket (the Netty channel that accepted it), so the sockets
 * any request came through are remembered, and one that no request came through has accepted nobody to drain.
 */
@ApplicationScoped
public class ListeningSockets {

    private static final Logger LOG = Logger.getLogger(ListeningSockets.class);

    private final Set<Channel> listening = ConcurrentHashMap.newKeySet();
    private final Duration delay;
    private final Vertx vertx;

    ListeningSockets(@ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay, Vertx vertx) {
        this.delay = delay.orElse(Duration.ZERO);
        this.vertx = vertx;
    }

    /** Remembers the listening socket that accepted this connection. */
    void accepted(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            Channel listener = base.channel().parent();
            if (listener != null && !listening.contains(listener)) {
                listening.add(listener);
            }
        }
    }

    /** Fired when SIGTERM starts the shutdown delay: new connections are accepted until it ends. */
    void delayStarted(@Observes ShutdownDelayInitiatedEvent event) {
        vertx.setTimer(Math.max(1, delay.toMillis()), fired -> close());
    }

    private void close() {
        for (Channel listener : listening) {
            LOG.infof("shutdown delay over: closing the listening socket %s; connections already accepted are served", listener.localAddress());
            listener.close();
        }
    }
}
