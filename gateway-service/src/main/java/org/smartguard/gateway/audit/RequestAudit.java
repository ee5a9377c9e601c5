package org.smartguard.gateway.audit;

import java.time.Instant;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.audit.RestInteractions;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.urls.PublicUrls;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * One audit event per request decision: forwarded (with the service's status) or refused (with the refusal code).
 * The gateway's publisher writes to an fsync'ed spool, which blocks, so events go through {@link AuditWriter}'s
 * queue and the request never waits for them.
 */
@ApplicationScoped
@Startup // the writer thread and its metrics exist from the start
public class RequestAudit {

    private static final String OBSERVER = "gateway-service";

    private final PublicUrls urls;
    private final String fhirPrefix;
    private final AuditWriter writer;

    RequestAudit(AuditPublisher publisher, PublicUrls urls, GatewayAuditConfig config, MeterRegistry meters) {
        this.urls = urls;
        this.fhirPrefix = config.fhirPrefix();
        this.writer = new AuditWriter(publisher, config.queueCapacity(), config.batchSize(), config.commitDelay());
        Gauge.builder("smartguard.gateway.audit.queued", writer, AuditWriter::waiting)
                .description("audit events waiting to be written to the spool").register(meters);
        FunctionCounter.builder("smartguard.gateway.audit.lost", writer, AuditWriter::lost)
                .description("audit events lost because the queue was full").register(meters);
    }

    @PreDestroy
    void close() {
        writer.close();
    }

    /** True while audit events cannot be written as fast as requests come: new requests are refused (503). */
    public boolean saturated() {
        return writer.saturated();
    }

    /** The request reached its service, which answered {@code status}. */
    public void forwarded(AuditedRequest request, int status) {
        AuditOutcome outcome = status >= 500 ? AuditOutcome.SERIOUS_FAILURE : status >= 400 ? AuditOutcome.MINOR_FAILURE : AuditOutcome.SUCCESS;
        publish(describe(RestInteractions.of(request.method().name(), request.path(), fhirPrefix), request)
                .outcome(outcome, "forwarded to " + request.route() + ": " + status).status(status));
    }

    /** The service could not be reached or did not answer: the gateway answered {@code status} (502, 504). */
    public void upstreamFailed(AuditedRequest request, int status, String code) {
        publish(describe(RestInteractions.of(request.method().name(), request.path(), fhirPrefix), request)
                .outcome(AuditOutcome.SERIOUS_FAILURE, code + " (" + status + ")").status(status));
    }

    /** The gateway answered {@code status} itself, for the reason {@code code} (e.g. SG-GW-403-IP). */
    public void refused(AuditedRequest request, AuditEventType type, int status, String code) {
        AuditOutcome outcome = status >= 500 ? AuditOutcome.SERIOUS_FAILURE : AuditOutcome.MINOR_FAILURE;
        publish(describe(type, request).outcome(outcome, code + " (" + status + ")").status(status));
    }

    private AuditEventBuilder describe(AuditEventType type, AuditedRequest request) {
        AuditEventBuilder event = AuditEventBuilder.event(type, OBSERVER)
                .server(request.route() == null ? urls.base() : urls.base() + "/" + request.route())
                .requestId(request.requestId())
                .userAgent(request.userAgent())
                .query(request.method() + " " + request.uri())
                .patient(request.patient());
        ValidatedToken token = request.token();
        if (token == null) {
            return event.client(null, request.clientAddress());
        }
        if (token.fhirUser() != null) {
            event.user(urls.issuer(), token.subject(), token.fhirUser());
        }
        return event.client(token.clientId(), request.clientAddress()).tokenId(token.jti());
    }

    /** The decision's time is taken now; the event is written on the writer's thread. */
    private void publish(AuditEventBuilder builder) {
        writer.offer(builder.recorded(Instant.now()));
    }
}
