package org.smartguard.gateway.routing;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.jboss.logging.Logger;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.revocation.RevocationUnavailable;
import org.smartguard.gateway.audit.AuditedRequest;
import org.smartguard.gateway.audit.RequestAudit;
import org.smartguard.gateway.auth.AccessPolicy;
import org.smartguard.gateway.auth.BearerAuthenticator;
import org.smartguard.gateway.auth.BearerRefusal;
import org.smartguard.gateway.bot.BotRules;
import org.smartguard.gateway.cors.CorsPolicy;
import org.smartguard.gateway.errors.OperationOutcomes;
import org.smartguard.gateway.headers.ResponseHeaders;
import org.smartguard.gateway.hygiene.BodySizeLimit;
import org.smartguard.gateway.hygiene.RequestHygiene;
import org.smartguard.gateway.ip.ClientAddresses;
import org.smartguard.gateway.ip.IpRules;
import org.smartguard.gateway.path.PathGuard;
import org.smartguard.gateway.patient.PatientOfRequest;
import org.smartguard.gateway.ratelimit.RateDecision;
import org.smartguard.gateway.ratelimit.RateLimitExceeded;
import org.smartguard.gateway.ratelimit.RateLimitHeaders;
import org.smartguard.gateway.ratelimit.RateLimitStoreUnavailable;
import org.smartguard.gateway.ratelimit.RateLimiter;

import io.netty.channel.ConnectTimeoutException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's routing and non-blocking proxy. One handler sees every request first and routes on the RAW path
 * (Vert.x routes match a decoded, normalized path, in which {@code /fhir/%2e%2e/audit} would become
 * {@code /audit}); the path guard refuses anything a decoder could change. Then, in order: method, route, client
 * address rules, User-Agent rules, CORS preflight, bearer token and scope (or, on public paths, the per-address
 * budget), the per-patient budget, the proxy. Bodies stream through in both directions without being buffered whole.
 */
@ApplicationScoped
public class ProxyRouter {

    private static final Logger LOG = Logger.getLogger(ProxyRouter.class);
    /** Quarkus' own endpoints (health, metrics) on this port. */
    private static final String QUARKUS_PREFIX = "/q/";
    /** No decision for the headers: the request was not counted against any budget. */
    private static final Future<RateDecision> UNLIMITED = Future.succeededFuture();
    private static final String RATE_LIMITED = "SG-GW-429-RATE-LIMIT";

    private final List<Upstream> upstreams;
    private final GatewayRoutesConfig.Upstream timeouts;
    private final AccessPolicy policy;
    private final BearerAuthenticator authenticator;
    private final RateLimiter rateLimiter;
    private final CorsPolicy cors;
    private final ResponseHeaders responseHeaders;
    private final ClientAddresses clientAddresses;
    private final IpRules ipRules;
    private final BotRules botRules;
    private final long maxBodyBytes;
    private final Duration bodyTimeout;
    private final RequestAudit audit;
    private final ShutdownRefusal shutdown;
    private final ListeningSockets listeningSockets;
    private UpstreamClients clients;

    ProxyRouter(GatewayRoutesConfig config, AccessPolicy policy, BearerAuthenticator authenticator, RateLimiter rateLimiter,
            CorsPolicy cors, ResponseHeaders responseHeaders, ClientAddresses clientAddresses, IpRules ipRules, BotRules botRules,
            RequestAudit audit, ShutdownRefusal shutdown, ListeningSockets listeningSockets,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.audit = audit;
        this.shutdown = shutdown;
        this.listeningSockets = listeningSockets;
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.clientAddresses = clientAddresses;
        this.ipRules = ipRules;
        this.botRules = botRules;
        this.policy = policy;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.cors = cors;
        this.responseHeaders = responseHeaders;
        this.upstreams = config.routes().entrySet().stream()
                .map(entry -> Upstream.of(entry.getKey(), entry.getValue()))
                .sorted(Comparator.comparingInt((Upstream upstream) -> upstream.prefix().length()).reversed())
                .toList();
        this.timeouts = config.upstream();
        this.bodyTimeout = config.bodyTimeout();
    }

    void register(@Observes Router router, Vertx vertx) {
        clients = new UpstreamClients(vertx, new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) timeouts.connectTimeout().toMillis())
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(timeouts.maxConnections()));
        router.route().order(Integer.MIN_VALUE).handler(this::dispatch);
    }

    @PreDestroy
    void closeClients() {
        if (clients != null) {
            clients.close();
        }
    }

    private void dispatch(RoutingContext context) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        listeningSockets.accepted(request.connection());
        AuditedRequest audited = new AuditedRequest(request, ForwardedHeaders.requestId(request));
        response.putHeader(ForwardedHeaders.REQUEST_ID, audited.requestId());
        String framing = RequestHygiene.framingRefusal(request);
        if (framing != null) {
            // the rest of this connection's bytes cannot be trusted to frame the next request
            closeAfter(request, response);
            refuse(audited, response, 400, "invalid", "SG-GW-400-FRAMING", framing);
            return;
        }
        if (RequestHygiene.declaresTooLargeBody(request, maxBodyBytes)) {
            closeAfter(request, response);
            refuse(audited, response, 413, "too-costly", "SG-GW-413-BODY", "the request body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        String path = request.path();
        String refusal = PathGuard.refusal(path);
        if (refusal != null) {
            refuse(audited, response, 400, "invalid", "SG-GW-PATH", refusal);
            return;
        }
        if (path.startsWith(QUARKUS_PREFIX)) {
            context.next();
            return;
        }
        String clientAddress = clientAddresses.of(request);
        String scheme = clientAddresses.scheme(request);
        audited.clientAddress(clientAddress);
        responseHeaders.onEveryResponse(scheme, response);
        if (audit.saturated()) {
            // serving requests that cannot be audited would break the suite's promise; shed load instead
            response.putHeader("Retry-After", "1");
            refuse(audited, response, 503, "transient", "SG-GW-AUDIT-BACKLOG", "the gateway is overloaded; retry shortly");
            return;
        }
        if (RequestHygiene.isRefusedMethod(request.method())) {
            response.putHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            refuse(audited, response, 405, "not-supported", "SG-GW-405-METHOD", request.method() + " is not served");
            return;
        }
        Upstream upstream = upstreams.stream().filter(candidate -> candidate.matches(path)).findFirst().orElse(null);
        if (upstream == null) {
            refuse(audited, response, 404, "not-found", "SG-GW-NO-ROUTE", "no service answers this path");
            return;
        }
        audited.route(upstream.name());
        if (!ipRules.admits(upstream.name(), clientAddress)) {
            refuse(audited, response, 403, "forbidden", "SG-GW-403-IP", "this address may not use this service");
            return;
        }
        if (!botRules.admits(request.getHeader("User-Agent"))) {
            refuse(audited, response, 403, "forbidden", "SG-GW-403-BOT", "this client is not allowed; use an application's HTTP client");
            return;
        }
        if (CorsPolicy.isPreflight(request)) {
            if (!cors.answerPreflight(request, response)) {
                audit.refused(audited, AuditEventType.ACCESS_DENIED, 403, CorsPolicy.REFUSAL_CODE);
            }
            return;
        }
        cors.allowOrigin(request, response);
        Future<RateDecision> admission = admit(request, path, upstream, audited);
        if (admission == UNLIMITED) {
            forward(context, upstream, audited, scheme);
            return;
        }
        request.pause();
        // every step completes on this request's event loop (Redis on the loop's own connection, other stages
        // continued on its context), so the answer is handled here without another hop
        admission.onComplete(admitted -> {
            if (admitted.succeeded()) {
                if (admitted.result() != null) {
                    RateLimitHeaders.write(admitted.result(), response);
                }
                forward(context, upstream, audited, scheme);
            } else {
                request.resume();
                refuse(audited, response, admitted.cause());
            }
        });
    }

    /** Closes the connection once the refusal is written, rather than reading (or misreading) what follows. */
    private static void closeAfter(HttpServerRequest request, HttpServerResponse response) {
        response.putHeader("Connection", "close").endHandler(ignored -> request.connection().close());
    }

    /**
     * Closes the connection once the answer is written and the request's body has arrived: closing over unread bytes
     * would reset the connection, and the answer could be lost with it.
     */
    private static void closeWhenRead(HttpServerRequest request, HttpServerResponse response) {
        response.putHeader("Connection", "close").endHandler(ignored -> {
            if (request.isEnded()) {
                request.connection().close();
            } else {
                request.endHandler(ended -> request.connection().close());
            }
        });
    }

    /**
     * Completes with the rate decision to report (null when not counted), or fails with the reason to refuse. The
     * token is verified first; its revocation is asked in the same Redis call as its count.
     */
    private Future<RateDecision> admit(HttpServerRequest request, String path, Upstream upstream, AuditedRequest audited) {
        if (policy.isPublic(path)) {
            return rateLimiter.limitsAddress(path) ? rateLimiter.admitAddressRequest(audited.clientAddress()) : UNLIMITED;
        }
        return authenticator.authenticate(request).compose(token -> {
            String patient = PatientOfRequest.of(token, request);
            audited.authenticated(token, patient);
            BearerRefusal scope = policy.scopeRefusal(path, token);
            if (scope != null) {
                // not counted; a revoked token still hears that it is revoked, as it would without the scope problem
                return authenticator.notRevoked(token).compose(valid -> Future.failedFuture(scope));
            }
            return rateLimiter.admitPatientRequest(token, patient, upstream.name());
        });
    }

    /** The gateway's own answer, audited as an access refusal. */
    private void refuse(AuditedRequest audited, HttpServerResponse response, int status, String issueType, String code, String message) {
        OperationOutcomes.send(response, status, issueType, code, message);
        audit.refused(audited, AuditEventType.ACCESS_DENIED, status, code);
    }

    private void refuse(AuditedRequest audited, HttpServerResponse response, Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        if (cause instanceof BearerRefusal refusal) {
            response.putHeader("WWW-Authenticate", refusal.challenge());
            String issueType = refusal.status() == 403 ? "forbidden" : refusal.status() == 400 ? "invalid" : "login";
            refuse(audited, response, refusal.status(), issueType, refusal.code(), refusal.getMessage());
        } else if (cause instanceof RateLimitExceeded exceeded) {
            RateLimitHeaders.write(exceeded.decision(), response);
            OperationOutcomes.send(response, 429, "throttled", RATE_LIMITED, exceeded.getMessage());
            audit.refused(audited, AuditEventType.RATE_LIMITED, 429, RATE_LIMITED);
        } else if (cause instanceof RevocationUnavailable unavailable) {
            refuse(audited, response, 503, "transient", RevocationUnavailable.CODE, unavailable.getMessage());
        } else if (cause instanceof RateLimitStoreUnavailable unavailable) {
            refuse(audited, response, 503, "transient", "SG-GW-RATE-LIMIT-UNAVAILABLE", unavailable.getMessage());
        } else {
            LOG.errorf(cause, "admission failed unexpectedly");
            refuse(audited, response, 503, "transient", "SG-GW-AUTH-UNAVAILABLE", "the request could not be authenticated now");
        }
    }

    private void forward(RoutingContext context, Upstream upstream, AuditedRequest audited, String scheme) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        if (shutdown.refuses()) {
            // past the shutdown delay: nothing new is forwarded, so Quarkus' wait for requests under way can end, and
            // the connection is closed after the answer (the listening socket is closed already: ListeningSockets)
            response.putHeader("Retry-After", "1");
            closeWhenRead(request, response);
            refuse(audited, response, 503, "transient", ShutdownRefusal.CODE, "the gateway is stopping; retry shortly");
            return;
        }
        request.pause();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        if (!request.isEnded()) {
            long deadline = context.vertx().setTimer(bodyTimeout.toMillis(), fired -> bodyTooSlow(request, response, sent.get(), audited));
            context.addEndHandler(ended -> context.vertx().cancelTimer(deadline));
        }
        String query = request.query();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.host())
                .setPort(upstream.port())
                .setURI(query == null ? request.path() : request.path() + "?" + query)
                .setHeaders(ForwardedHeaders.upstreamRequest(request, audited.requestId(), upstream, audited.clientAddress(), scheme));
        exchange(clients.current(), options, request, response, sent)
                .recover(failure -> {
                    if (!UpstreamRetry.applies(request, response, failure)) {
                        return Future.failedFuture(failure);
                    }
                    // a pooled connection the service closed under the request (it is restarting): once, on a new one
                    LOG.debugf("upstream %s closed the connection before answering (%s); retrying once", upstream.name(), failure);
                    return exchange(clients.fresh(), options, request, response, sent).recover(again -> Future.failedFuture(
                            UpstreamRetry.closedBeforeAnswer(again) ? new UpstreamRetry.ClosedTwice(again) : again));
                })
                .onSuccess(upstreamResponse -> {
                    relay(upstreamResponse, request.path(), response);
                    audit.forwarded(audited, upstreamResponse.statusCode());
                })
                .onFailure(failure -> upstreamFailed(failure, upstream, request, response, audited));
    }

    /** Sends the request on a connection of this client; completes with the response's head. */
    private Future<HttpClientResponse> exchange(HttpClient client, RequestOptions options,
            HttpServerRequest request, HttpServerResponse response, AtomicReference<HttpClientRequest> sent) {
        return client.request(options).compose(upstreamRequest -> {
            sent.set(upstreamRequest);
            // a client that goes away must not leave the service working (or streaming) for nobody
            response.closeHandler(closed -> {
                if (!response.ended()) {
                    upstreamRequest.reset(0, new ClientGone());
                }
            });
            return send(request, upstreamRequest);
        });
    }

    /**
     * Streams the client's body to the upstream. A chunked body, whose size nobody declared, is counted on its way:
     * past the limit the upstream request is reset (not ended, which would hand the service a truncated body as if
     * it were whole) and the result fails with {@link BodySizeLimit.BodyTooLarge}. The upstream's response timeout
     * starts once the whole body is sent: a slow client is the body timeout's business, not a silent upstream's.
     */
    private Future<HttpClientResponse> send(HttpServerRequest request, HttpClientRequest upstreamRequest) {
        ReadStream<Buffer> body = request;
        if (request.getHeader("Content-Length") == null && request.getHeader("Transfer-Encoding") != null) {
            upstreamRequest.setChunked(true);
            body = new BodySizeLimit(request, maxBodyBytes);
        }
        Promise<HttpClientResponse> result = Promise.promise();
        // a reset below is this code's own decision and reported through the result, not an error to log
        upstreamRequest.exceptionHandler(ignored -> { });
        if (request.isEnded()) {
            // nothing left to stream: a retry, whose client request (without a body) the first attempt read to its end
            upstreamRequest.end();
            upstreamRequest.idleTimeout(timeouts.responseTimeout().toMillis());
            return upstreamRequest.response();
        }
        body.pipe().endOnFailure(false).to(upstreamRequest).onComplete(piped -> {
            if (piped.succeeded()) {
                upstreamRequest.idleTimeout(timeouts.responseTimeout().toMillis());
            } else {
                // failed first: the reset fails the response at once when the upstream connection is on this event loop
                result.tryFail(piped.cause());
                upstreamRequest.reset(0, piped.cause());
            }
        });
        upstreamRequest.response().onComplete(answer -> {
            if (answer.succeeded()) {
                result.tryComplete(answer.result());
            } else {
                result.tryFail(answer.cause());
            }
        });
        return result.future();
    }

    private void relay(HttpClientResponse upstreamResponse, String path, HttpServerResponse response) {
        response.setStatusCode(upstreamResponse.statusCode());
        response.setStatusMessage(upstreamResponse.statusMessage());
        ForwardedHeaders.copyResponse(upstreamResponse.headers(), response.headers());
        responseHeaders.onUpstreamResponse(path, response);
        if (upstreamResponse.getHeader("Content-Length") == null) {
            response.setChunked(true);
        }
        upstreamResponse.pipe().endOnFailure(false).to(response).onFailure(failure -> {
            // the upstream broke off mid-body, or the client left: never end a truncated body as if it were whole
            if (!response.closed()) {
                response.reset();
            }
        });
    }

    /**
     * The body did not arrive within the body timeout: the upstream request is reset (a service never sees a body
     * the client did not finish) and the client gets 408 on a connection that is then closed.
     */
    private void bodyTooSlow(HttpServerRequest request, HttpServerResponse response, HttpClientRequest upstreamRequest,
            AuditedRequest audited) {
        if (request.isEnded() || response.ended()) {
            return;
        }
        if (response.headWritten()) {
            request.connection().close();
        } else {
            closeAfter(request, response);
            refuse(audited, response, 408, "timeout", "SG-GW-408-SLOW-BODY",
                    "the request body did not arrive within " + bodyTimeout.toSeconds() + " s");
        }
        if (upstreamRequest != null) {
            // after the answer: the reset fails the exchange, and upstreamFailed sees the client was answered already
            upstreamRequest.reset(0, new SlowBody());
        }
    }

    /** Why an upstream request was reset when its client closed the connection before the answer was sent. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super("the client closed the connection", null, false, false);
        }
    }

    /** Why an upstream request was reset when its client's body was too slow. */
    private static final class SlowBody extends RuntimeException {
        SlowBody() {
            super("the client's body did not arrive in time", null, false, false);
        }
    }

    private void upstreamFailed(Throwable failure, Upstream upstream, HttpServerRequest request, HttpServerResponse response,
            AuditedRequest audited) {
        request.resume();
        if (response.headWritten() || response.closed()) {
            // already answered (the client's body was too slow), or the client left: nobody to tell
            return;
        }
        if (failure instanceof BodySizeLimit.BodyTooLarge tooLarge) {
            closeAfter(request, response);
            refuse(audited, response, 413, "too-costly", "SG-GW-413-BODY", tooLarge.getMessage());
            return;
        }
        boolean timedOut = failure instanceof TimeoutException || failure instanceof ConnectTimeoutException;
        LOG.warnf("upstream %s %s: %s", upstream.name(), timedOut ? "timed out" : "failed", failure.getMessage());
        if (timedOut) {
            OperationOutcomes.send(response, 504, "timeout", "SG-GW-UPSTREAM-TIMEOUT", "the " + upstream.name() + " service did not answer in time");
            audit.upstreamFailed(audited, 504, "SG-GW-UPSTREAM-TIMEOUT");
        } else if (failure instanceof ConnectException || failure instanceof UpstreamRetry.ClosedTwice) {
            // refused: the request never reached the service (stopped, restarting), so the client may safely retry; or
            // an idempotent request (safe to send again) whose retry's connection closed unanswered too
            response.putHeader("Retry-After", "1");
            OperationOutcomes.send(response, 503, "transient", "SG-GW-UPSTREAM-UNAVAILABLE", "the " + upstream.name() + " service is unavailable; retry shortly");
            audit.upstreamFailed(audited, 503, "SG-GW-UPSTREAM-UNAVAILABLE");
        } else {
            OperationOutcomes.send(response, 502, "transient", "SG-GW-UPSTREAM-FAILED", "the " + upstream.name() + " service is unavailable");
            audit.upstreamFailed(audited, 502, "SG-GW-UPSTREAM-FAILED");
        }
    }
}
