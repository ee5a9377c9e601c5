package org.smartguard.fhir.audit;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.AuditPublisher;
import org.smartguard.commons.audit.ClientAddress;
import org.smartguard.commons.audit.RestInteractions;
import org.smartguard.commons.jwt.ValidatedToken;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.security.SmartContext;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpServerRequest;

/**
 * The fhir-service's audit events (BALP): who (fhirUser or sub, client_id, the token's jti), what (interaction,
 * resources, query), which patients (one event each), outcome. Called inside the transaction of a write, so a
 * create or update and its audit event commit together or not at all; a read, search or history alone has no
 * transaction, and its event is group-committed by the outbox before the call returns.
 */
@ApplicationScoped
public class FhirAudit {

    public static final String OBSERVER = "fhir-service";

    private final AuditPublisher publisher;
    private final PublicUrls urls;
    private final SmartContext context;
    private final CurrentVertxRequest current;
    /** Where the FHIR API is served, for the interaction a refused request's path names. */
    private final String fhirPath;

    FhirAudit(AuditPublisher publisher, PublicUrls urls, SmartContext context, CurrentVertxRequest current,
            @ConfigProperty(name = "quarkus.rest.path") String fhirPath) {
        this.publisher = publisher;
        this.urls = urls;
        this.context = context;
        this.current = current;
        this.fhirPath = fhirPath;
    }

    public void record(AuditEventType type, AuditOutcome outcome, String code, List<String> resources, Collection<String> patients, String query) {
        record(type, outcome, code, resources, patients, query, null);
    }

    /** @param returned how many resources the response carries (searches, $everything), for the bulk-read rules */
    public void record(AuditEventType type, AuditOutcome outcome, String code, List<String> resources, Collection<String> patients,
            String query, Integer returned) {
        record(type, outcome, code, resources, patients, query, returned, Map.of());
    }

    /** @param perType how many resources of each type the response or job covered (Bulk Data exports) */
    public void record(AuditEventType type, AuditOutcome outcome, String code, List<String> resources, Collection<String> patients,
            String query, Integer returned, Map<String, Long> perType) {
        publishAll(List.of(event(type, outcome, code, resources, patients, query, returned, perType)));
    }

    /**
     * The events {@link #record} would publish (one per patient), recorded now, for a caller that publishes several
     * writes' at once.
     */
    public AuditEventBuilder event(AuditEventType type, AuditOutcome outcome, String code, List<String> resources, Collection<String> patients,
            String query) {
        return event(type, outcome, code, resources, patients, query, null, Map.of());
    }

    /**
     * The event of a refused request of an authenticated caller (an error answer, 4xx or 5xx), or null for an
     * unauthenticated one; the caller publishes it ({@link #publishAll}). Its interaction is read from the
     * current request's method and path, since the refusal may come before the service knew more. Unauthenticated
     * requests (401) get no event here: the caller is unknown, the gateway records them, and one outbox row per
     * garbage request would let anyone fill the outbox. The HTTP status goes into the outcome's description, not the
     * {@code HTTP-Status} detail the audit-service's rules count: behind the gateway, its own event of the same
     * answer already carries that status, and counting both would halve the rules' thresholds.
     */
    public AuditEventBuilder refusal(int status, String code) {
        HttpServerRequest request = current.getCurrent() == null ? null : current.getCurrent().request();
        if (request == null || context.tokenOrNull() == null) {
            return null;
        }
        return refusal(request.method().name(), request.path(), request.uri(), status, code);
    }

    /**
     * The refused entry of a batch bundle ({@code url} relative to the FHIR base, as the entry gives it), published
     * now. An entry without a method or url is recorded as the bundle's own {@code POST}: an operation.
     */
    public void refusedEntry(String method, String url, int status, String code) {
        if (context.tokenOrNull() == null) {
            return;
        }
        boolean named = method != null && url != null;
        String uri = fhirPath + "/" + (named ? url : "");
        publishAll(List.of(refusal(named ? method : "POST", uri.split("\\?", 2)[0], uri, status, code)));
    }

    private AuditEventBuilder refusal(String method, String path, String uri, int status, String code) {
        AuditOutcome outcome = status >= 500 ? AuditOutcome.SERIOUS_FAILURE : AuditOutcome.MINOR_FAILURE;
        String patient = context.token().patient();
        return event(RestInteractions.of(method, path, fhirPath), outcome, code + " (" + status + ")", List.of(),
                patient == null ? List.of() : List.of(patient), method + " " + uri, null, Map.of());
    }

    /** Stores the events in the outbox: inside a transaction, they commit or roll back with it. */
    public void publishAll(List<AuditEventBuilder> events) {
        if (!events.isEmpty()) {
            publisher.publishAll(events);
        }
    }

    private AuditEventBuilder event(AuditEventType type, AuditOutcome outcome, String code, List<String> resources, Collection<String> patients,
            String query, Integer returned, Map<String, Long> perType) {
        ValidatedToken token = context.tokenOrNull();
        HttpServerRequest request = current.getCurrent() == null ? null : current.getCurrent().request();
        AuditEventBuilder event = AuditEventBuilder.event(type, OBSERVER)
                .recorded(Instant.now())
                .outcome(outcome, code)
                .server(urls.fhirBase())
                .patients(patients)
                .query(query);
        resources.forEach(event::resource);
        if (returned != null) {
            event.returned(returned);
        }
        event.returnedPerType(perType);
        if (request != null) {
            event.requestId(request.getHeader("X-Request-Id"));
        }
        String address = request == null || request.remoteAddress() == null ? null
                : ClientAddress.of(request.remoteAddress().hostAddress(), request.getHeader("X-Forwarded-For"));
        if (token != null) {
            if (token.fhirUser() != null) {
                event.user(urls.issuer(), token.subject(), token.fhirUser());
            }
            event.client(token.clientId(), address).tokenId(token.jti());
        } else {
            event.client(null, address);
        }
        return event;
    }
}
