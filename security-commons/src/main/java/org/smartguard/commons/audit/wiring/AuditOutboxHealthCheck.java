package org.smartguard.commons.audit.wiring;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.smartguard.commons.audit.outbox.DurableAuditPublisher;

/**
 * Ready when the outbox can be written and read. Kafka being away does not make a service unready: the outbox
 * exists to absorb that, and the backlog shows here (and in the relay's log) while it lasts.
 */
@Readiness
@ApplicationScoped
public class AuditOutboxHealthCheck implements HealthCheck {

    private final DurableAuditPublisher publisher;

    AuditOutboxHealthCheck(DurableAuditPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            long pending = publisher.pendingEvents();
            return HealthCheckResponse.named("audit-outbox").up().withData("pending", pending).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("audit-outbox").down().withData("error", e.getMessage()).build();
        }
    }
}
