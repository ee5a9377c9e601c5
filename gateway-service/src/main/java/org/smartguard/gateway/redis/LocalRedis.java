package org.smartguard.gateway.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.impl.ContextInternal;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Redis for the per-request calls (rate-limit script, denylist lookup), one pipelined connection per event loop,
 * opened on that loop: a request's Redis call and its answer stay on the thread serving the request. A shared pool
 * hands connections across the event loops, and on a busy two-core machine every request then paid thread wake-ups
 * and context switches (the gateway ran at a fifth of HAProxy's throughput). Each loop connects through a client of
 * its own: connecting through one shared client let a loop's connection land on another loop's thread when two loops
 * connected at once (the client's pool runs a connect on whichever thread is working its queue), and each call then
 * woke that thread and back (four syscalls and two wake-ups per request; at a moderate rate, where nothing else
 * shares a wake-up, that doubled the event loops' CPU per request). A connection that fails is dropped and
 * the next call on that loop opens a new one; so is one that has owed answers for longer than
 * {@code quarkus.redis.timeout} (a Redis that hangs rather than closes). Callers own their own, shorter timeouts and
 * what to do on failure; calls answer with Vert.x futures and time out on a timer of the caller's loop, so the
 * request path schedules nothing on other threads. Off an event loop (tests, workers) calls go through a small
 * shared pool. Settings are
 * quarkus-redis-client's: {@code quarkus.redis.hosts} (the first host), {@code quarkus.redis.timeout} and
 * {@code quarkus.redis.max-pool-waiting} (calls queued on one connection at most).
 */
@ApplicationScoped
public class LocalRedis implements RedisCall {

    private final io.vertx.core.Vertx vertx;
    private final RedisOptions options;
    private final Redis client;
    private final long stallMillis;
    private final ThreadLocal<Loop> loops = new ThreadLocal<>();
    private final List<Loop> opened = new CopyOnWriteArrayList<>();

    LocalRedis(Vertx vertx, @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
            @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration stall,
            @ConfigProperty(name = "quarkus.redis.max-pool-waiting", defaultValue = "4096") int maxWaiting) {
        this.vertx = vertx.getDelegate();
        this.stallMillis = stall.toMillis();
        this.options = new RedisOptions()
                .setConnectionString(hosts.get(0))
                .setMaxWaitingHandlers(maxWaiting)
                .setMaxPoolSize(4)
                .setMaxPoolWaiting(maxWaiting);
        this.client = Redis.createClient(this.vertx, options);
    }

    /** Sends one command on the current event loop's connection; fails after {@code timeoutMillis} without an answer. */
    @Override
    public Future<Response> send(Request request, long timeoutMillis) {
        Context context = io.vertx.core.Vertx.currentContext();
        Future<Response> answer;
        if (context == null || !context.isEventLoopContext()) {
            answer = client.send(request);
        } else {
            Loop loop = loops.get();
            if (loop == null) {
                loop = new Loop(((ContextInternal) context).unwrap());
                loops.set(loop);
                opened.add(loop);
            }
            answer = loop.send(request);
        }
        return withTimeout(answer, timeoutMillis);
    }

    private Future<Response> withTimeout(Future<Response> answer, long timeoutMillis) {
        if (answer.isComplete()) {
            return answer;
        }
        Promise<Response> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, fired -> result.tryFail(new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")));
        answer.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                result.tryComplete(done.result());
            } else {
                result.tryFail(done.cause());
            }
        });
        return result.future();
    }

    @PreDestroy
    void close() {
        opened.forEach(Loop::close);
        client.close();
    }

    /** The connection of one event loop; touched only by that loop's thread. */
    private final class Loop {

        private final ContextInternal context;
        private final Redis loopClient = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1));
        private final long watchdog;
        private Future<RedisConnection> connection;
        /** Calls (and the connect) not answered yet, and when the connection last answered or got its first call. */
        private int owed;
        private long progressAt;

        Loop(ContextInternal context) {
            this.context = context;
            this.watchdog = vertx.setPeriodic(Math.max(100, stallMillis / 4), ignored -> context.runOnContext(tick -> dropIfStalled()));
        }

        Future<Response> send(Request request) {
            if (connection == null) {
                connect();
            }
            if (owed++ == 0) {
                progressAt = System.nanoTime();
            }
            return connection.compose(open -> open.send(request)).andThen(answered -> {
                if (owed > 0) { // a call of a connection dropped meanwhile is no longer owed
                    owed--;
                }
                progressAt = System.nanoTime();
            });
        }

        private void connect() {
            Promise<RedisConnection> opening = context.promise();
            // opened on the loop's own context (not the request's duplicate), so its callbacks run on this thread
            context.runOnContext(ignored -> loopClient.connect().onComplete(opening));
            Future<RedisConnection> future = opening.future();
            connection = future;
            future.onComplete(opened -> {
                if (opened.failed()) {
                    forget(future);
                } else if (connection != future) {
                    opened.result().close(); // given up on while connecting
                } else {
                    opened.result().exceptionHandler(failure -> forget(future)).endHandler(ended -> forget(future));
                }
            });
        }

        private void dropIfStalled() {
            if (connection != null && owed > 0 && System.nanoTime() - progressAt > stallMillis * 1_000_000) {
                forget(connection);
            }
        }

        private void forget(Future<RedisConnection> broken) {
            if (connection == broken) {
                connection = null;
                owed = 0;
                if (broken.succeeded()) {
                    broken.result().close();
                }
            }
        }

        void close() {
            vertx.cancelTimer(watchdog);
            Future<RedisConnection> open = connection;
            if (open != null && open.succeeded()) {
                open.result().close();
            }
            loopClient.close();
        }
    }
}
