package org.smartguard.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Sends one Redis command, failing with a {@link java.util.concurrent.TimeoutException} when no answer comes in time. */
@FunctionalInterface
public interface RedisCall {

    Future<Response> send(Request request, long timeoutMillis);
}
