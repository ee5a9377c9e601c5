package org.smartguard.gateway.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * One upstream HTTP client, with its own connection pool, per event loop, made the first time that loop forwards a
 * request. A single shared client hands pooled connections across event loops, so a request served on one loop was
 * written and answered on another: thread wake-ups and context switches on every request, most of the gateway's
 * overhead on a busy two-core machine. The pool size ({@code smartguard.gateway.upstream.max-connections}) is per
 * event loop.
 *
 * <p>Each loop also has a client that never keeps a connection ({@link #fresh()}), for the one retry of a request
 * whose pooled connection the upstream closed: when a service restarts it closes every idle connection at once, and
 * the pool may hand out another one it is closing. A response with {@code Connection: close} (a service that is
 * stopping says so) is never put back in the pool: Vert.x closes that connection once the response has ended.
 */
final class UpstreamClients {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final HttpClientOptions freshOptions;
    private final ThreadLocal<HttpClient> perLoop = new ThreadLocal<>();
    private final ThreadLocal<HttpClient> freshPerLoop = new ThreadLocal<>();
    private final List<HttpClient> created = new CopyOnWriteArrayList<>();
    private final HttpClient offLoop;
    private final HttpClient freshOffLoop;

    UpstreamClients(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
        this.vertx = vertx;
        this.options = options;
        this.pool = pool;
        this.freshOptions = new HttpClientOptions(options).setKeepAlive(false);
        this.offLoop = vertx.createHttpClient(options, pool);
        this.freshOffLoop = vertx.createHttpClient(freshOptions, pool);
    }

    /** The client of the calling event loop (a shared one off the event loops). */
    HttpClient current() {
        return ofLoop(perLoop, options, offLoop);
    }

    /** The calling event loop's client whose every request goes on a new connection, closed after the response. */
    HttpClient fresh() {
        return ofLoop(freshPerLoop, freshOptions, freshOffLoop);
    }

    private HttpClient ofLoop(ThreadLocal<HttpClient> clients, HttpClientOptions clientOptions, HttpClient shared) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return shared;
        }
        HttpClient client = clients.get();
        if (client == null) {
            client = vertx.createHttpClient(clientOptions, pool);
            clients.set(client);
            created.add(client);
        }
        return client;
    }

    void close() {
        created.forEach(HttpClient::close);
        offLoop.close();
        freshOffLoop.close();
    }
}
