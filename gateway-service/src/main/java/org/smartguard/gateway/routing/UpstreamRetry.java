package org.smartguard.gateway.routing;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * When the gateway sends a request once more on a fresh connection: its upstream connection closed (or was reset)
 * before any byte of the answer arrived, which is what a keep-alive connection does when the service closes it at
 * shutdown just as the gateway reuses it. Only for an idempotent method (RFC 9110 section 9.2.2: GET, HEAD, OPTIONS,
 * PUT, DELETE) without a body: the body is streamed, never buffered, so there is none to send again; RFC 9112
 * section 9.3.1 allows such a retry. Never POST or PATCH (the service may have acted on it), never after a timeout
 * (the service may still be working), never once the client has an answer or has left.
 */
final class UpstreamRetry {

    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
            HttpMethod.DELETE);

    private UpstreamRetry() {
    }

    static boolean applies(HttpServerRequest request, HttpServerResponse response, Throwable failure) {
        return IDEMPOTENT.contains(request.method()) && hasNoBody(request) && request.isEnded()
                && !response.headWritten() && !response.closed() && closedBeforeAnswer(failure);
    }

    private static boolean hasNoBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") == null && (length == null || length.equals("0"));
    }

    /** The connection closed or was reset under the request; a refused connection is not this (nothing was sent). */
    static boolean closedBeforeAnswer(Throwable failure) {
        return failure instanceof HttpClosedException || failure instanceof IOException && !(failure instanceof ConnectException);
    }

    /**
     * The retry's new connection closed before any answer byte too: the service is going away (a stopping Quarkus
     * resets the connections it still accepts after its event loops stopped). Answered like a refused connection,
     * 503 with Retry-After: the request is idempotent, so the client may send it again, to another replica.
     */
    static final class ClosedTwice extends RuntimeException {
        ClosedTwice(Throwable last) {
            super("the connection closed before any answer byte, on the retry too (" + last.getMessage() + ")", last, false, false);
        }
    }
}
