package org.smartguard.gateway.routing;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.smartguard.gateway.auth.AccessPolicy;
import org.smartguard.gateway.auth.BearerAuthenticator;
import org.smartguard.gateway.auth.BearerRefusal;
import org.smartguard.gateway.errors.OperationOutcomes;
import org.smartguard.gateway.path.PathGuard;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's routing and non-blocking proxy. One handler sees every request first and routes on the RAW path
 * (Vert.x routes match a decoded, normalized path, in which {@code /fhir/%2e%2e/audit} would become
 * {@code /audit}); the path guard refuses anything a decoder could change. Bodies stream through in both
 * directions without being buffered whole.
 */
@ApplicationScoped
public class ProxyRouter {

    private static final Logger LOG = Logger.getLogger(ProxyRouter.class);
    /** Quarkus' own endpoints (health, metrics) on this port. */
    private static final String QUARKUS_PREFIX = "/q/";

    private final List<Upstream> upstreams;
    private final GatewayRoutesConfig.Upstream timeouts;
    private final AccessPolicy policy;
    private final BearerAuthenticator authenticator;
    private HttpClient client;

    ProxyRouter(GatewayRoutesConfig config, AccessPolicy policy, BearerAuthenticator authenticator) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.upstreams = config.routes().entrySet().stream()
                .map(entry -> Upstream.of(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingInt((Upstream upstream) -> upstream.prefix().length()).reversed())
                .toList();
        this.timeouts = config.upstream();
    }

    void register(@Observes Router router, Vertx vertx) {
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) timeouts.connectTimeout().toMillis())
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(timeouts.maxConnections()));
        router.route().order(Integer.MIN_VALUE).handler(this::dispatch);
    }

    private void dispatch(RoutingContext context) {
        HttpServerRequest request = context.request();
        String path = request.path();
        String refusal = PathGuard.refusal(path);
        if (refusal != null) {
            OperationOutcomes.send(context.response(), 400, "invalid", "SG-GW-PATH", refusal);
            return;
        }
        if (path.startsWith(QUARKUS_PREFIX)) {
            context.next();
            return;
        }
        Upstream upstream = upstreams.stream().filter(candidate -> candidate.matches(path)).findFirst().orElse(null);
        if (upstream == null) {
            OperationOutcomes.send(context.response(), 404, "not-found", "SG-GW-NO-ROUTE", "no service answers this path");
            return;
        }
        String requestId = ForwardedHeaders.requestId(request);
        if (policy.isPublic(path)) {
            forward(request, context.response(), upstream, requestId);
            return;
        }
        request.pause();
        Context vertxContext = Vertx.currentContext();
        authenticator.authenticate(request)
                .thenAccept(token -> policy.checkScope(path, token))
                .whenComplete((allowed, failure) -> vertxContext.runOnContext(ignored -> {
                    if (failure == null) {
                        forward(request, context.response(), upstream, requestId);
                    } else {
                        refuse(request, context.response(), failure);
                    }
                }));
    }

    private static void refuse(HttpServerRequest request, HttpServerResponse response, Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        request.resume();
        if (cause instanceof BearerRefusal refusal) {
            response.putHeader("WWW-Authenticate", refusal.challenge());
            String issueType = refusal.status() == 403 ? "forbidden" : refusal.status() == 400 ? "invalid" : "login";
            OperationOutcomes.send(response, refusal.status(), issueType, refusal.code(), refusal.getMessage());
        } else {
            LOG.errorf(cause, "authentication failed unexpectedly");
            OperationOutcomes.send(response, 503, "transient", "SG-GW-AUTH-UNAVAILABLE", "the request could not be authenticated now");
        }
    }

    private void forward(HttpServerRequest request, HttpServerResponse response, Upstream upstream, String requestId) {
        request.pause();
        String query = request.query();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setURI(query == null ? request.path() : request.path() + "?" + query)
                .setHeaders(ForwardedHeaders.upstreamRequest(request, requestId, upstream))
                .setIdleTimeout(timeouts.responseTimeout().toMillis());
        response.putHeader(ForwardedHeaders.REQUEST_ID, requestId);
        client.request(options)
                .compose(upstreamRequest -> send(request, upstreamRequest))
                .onSuccess(upstreamResponse -> relay(upstreamResponse, response))
                .onFailure(failure -> upstreamFailed(failure, upstream, request, response));
    }

    private static io.vertx.core.Future<HttpClientResponse> send(HttpServerRequest request, HttpClientRequest upstreamRequest) {
        if (request.getHeader("Content-Length") == null && request.getHeader("Transfer-Encoding") != null) {
            upstreamRequest.setChunked(true);
        }
        return upstreamRequest.send(request);
    }

    private static void relay(HttpClientResponse upstreamResponse, HttpServerResponse response) {
        response.setStatusCode(upstreamResponse.statusCode());
        response.setStatusMessage(upstreamResponse.statusMessage());
        ForwardedHeaders.copyResponse(upstreamResponse.headers(), response.headers());
        if (upstreamResponse.getHeader("Content-Length") == null) {
            response.setChunked(true);
        }
        upstreamResponse.pipeTo(response);
    }

    private static void upstreamFailed(Throwable failure, Upstream upstream, HttpServerRequest request, HttpServerResponse response) {
        request.resume();
        boolean timedOut = failure instanceof TimeoutException || failure instanceof ConnectTimeoutException;
        LOG.warnf("upstream %s %s: %s", upstream.name(), timedOut ? "timed out" : "failed", failure.getMessage());
        if (timedOut) {
            OperationOutcomes.send(response, 504, "timeout", "SG-GW-UPSTREAM-TIMEOUT", "the " + upstream.name() + " service did not answer in time");
        } else {
            OperationOutcomes.send(response, 502, "transient", "SG-GW-UPSTREAM-FAILED", "the " + upstream.name() + " service is unavailable");
        }
    }
}
