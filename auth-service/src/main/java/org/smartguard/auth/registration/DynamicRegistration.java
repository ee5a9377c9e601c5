package org.smartguard.auth.registration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;

/** RFC 7591 registration of a client, audited in the same transaction as the new client is stored. */
@ApplicationScoped
public class DynamicRegistration {

    private final ClientRegistrar registrar;
    private final AuthAudit audit;

    DynamicRegistration(ClientRegistrar registrar, AuthAudit audit) {
        this.registrar = registrar;
        this.audit = audit;
    }

    @Transactional
    public RegisteredClient register(ClientMetadata metadata, ClientRegistrar.Authority authority) {
        ClientRegistrar.Registration registration = registrar.register(metadata, authority);
        String clientId = registration.client().clientId;
        audit.record(AuditEventType.SECURITY_CONFIGURATION_CREATED, AuditOutcome.SUCCESS, "client-registered", clientId, event -> {
        });
        return RegisteredClient.of(registration.client(), registration.secret());
    }
}
