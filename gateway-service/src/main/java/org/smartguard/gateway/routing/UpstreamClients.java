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
 */
final class UpstreamClients {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final ThreadLocal<HttpClient> perLoop = new ThreadLocal<>();
    private final List<HttpClient> created = new CopyOnWriteArrayList<>();
    private final HttpClient offLoop;

    UpstreamClients(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
        this.vertx = vertx;
        this.options = options;
        this.pool = pool;
        this.offLoop = vertx.createHttpClient(options, pool);
    }

    /** The client of the calling event loop (a shared one off the event loops). */
    HttpClient current() {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return offLoop;
        }
        HttpClient client = perLoop.get();
        if (client == null) {
            client = vertx.createHttpClient(options, pool);
            perLoop.set(client);
            created.add(client);
        }
        return client;
    }

    void close() {
        created.forEach(HttpClient::close);
        offLoop.close();
    }
}
