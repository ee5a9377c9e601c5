package org.smartguard.auth.audit;

import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.ClientAddress;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.urls.PublicUrls;

import io.quarkus.arc.Arc;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;

/**
 * Audit events of the authorization server (logins, consents, codes, tokens, launches), all through the shared
 * durable publisher. Fills in what every event of a request has: the caller's address, the request id and this
 * server; the caller adds the rest.
 */
@ApplicationScoped
public class AuthAudit {

    public static final String OBSERVER = "auth-service";

    private final AuditPublisher publisher;
    private final PublicUrls urls;
    private final CurrentVertxRequest current;

    AuthAudit(AuditPublisher publisher, PublicUrls urls, CurrentVertxRequest current) {
        this.publisher = publisher;
        this.urls = urls;
        this.current = current;
    }

    /**
     * @param code    a stable outcome code, e.g. {@code token-issued} or {@code invalid_grant:code-replayed}
     * @param details adds user, patient, token id, etc.
     */
    public void record(AuditEventType type, AuditOutcome outcome, String code, String clientId, Consumer<AuditEventBuilder> details) {
        HttpServerRequest request = request();
        AuditEventBuilder event = AuditEventBuilder.event(type, OBSERVER)
                .outcome(outcome, code)
                .client(clientId, clientAddress())
                .server(urls.issuer())
                .requestId(request == null ? null : request.getHeader("X-Request-Id"));
        details.accept(event);
        publisher.publishAll(List.of(event));
    }

    /** The caller's address: the gateway's X-Forwarded-For entry when the request came through it. */
    public String clientAddress() {
        HttpServerRequest request = request();
        if (request == null) {
            return null;
        }
        return ClientAddress.of(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                request.getHeader("X-Forwarded-For"));
    }

    /** The HTTP request being served, or null: scheduled jobs (key rotation) audit too. */
    private HttpServerRequest request() {
        if (!Arc.container().requestContext().isActive() || current.getCurrent() == null) {
            return null;
        }
        return current.getCurrent().request();
    }
}
