package org.smartguard.auth.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.clients.OAuthClient;
import org.smartguard.auth.keys.SigningKeys;
import org.smartguard.auth.registration.ClientMetadata;
import org.smartguard.auth.registration.ClientRegistrar;
import org.smartguard.auth.registration.RegisteredClient;
import org.smartguard.auth.users.AppUser;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.urls.PublicUrls;

/**
 * What the admin API does. Each change is audited in the transaction that makes it, as a security-configuration event whose
 * requestor is the holder of the admin credential and whose entity names what changed.
 */
@ApplicationScoped
public class AdminActions {

    private final ClientRegistrar registrar;
    private final UserAccounts users;
    private final SigningKeys signingKeys;
    private final AuthAudit audit;
    private final PublicUrls urls;

    AdminActions(ClientRegistrar registrar, UserAccounts users, SigningKeys signingKeys, AuthAudit audit, PublicUrls urls) {
        this.registrar = registrar;
        this.users = users;
        this.signingKeys = signingKeys;
        this.audit = audit;
        this.urls = urls;
    }

    @Transactional
    public RegisteredClient createClient(ClientMetadata metadata) {
        ClientRegistrar.Registration registration = registrar.register(metadata, ClientRegistrar.Authority.ADMIN);
        audited(AuditEventType.SECURITY_CONFIGURATION_CREATED, "client-created", "OAuthClient/" + registration.client().clientId);
        return RegisteredClient.of(registration.client(), registration.secret());
    }

    @Transactional
    public List<RegisteredClient> listClients() {
        return OAuthClient.<OAuthClient>listAll().stream().map(RegisteredClient::of).toList();
    }

    @Transactional
    public RegisteredClient client(String clientId) {
        return OAuthClient.findByClientId(clientId).map(RegisteredClient::of).orElseThrow(ClientRegistrar::noSuchClient);
    }

    @Transactional
    public RegisteredClient updateClient(String clientId, ClientMetadata metadata) {
        OAuthClient client = registrar.update(clientId, metadata);
        audited(AuditEventType.SECURITY_CONFIGURATION_UPDATED, "client-updated", "OAuthClient/" + clientId);
        return RegisteredClient.of(client);
    }

    @Transactional
    public void deleteClient(String clientId) {
        registrar.delete(clientId);
        audited(AuditEventType.SECURITY_CONFIGURATION_DELETED, "client-deleted", "OAuthClient/" + clientId);
    }

    /** @return the user as shown: never the password or its hash */
    @Transactional
    public Map<String, Object> createUser(UserAccounts.NewUser user) {
        AppUser created = users.create(user);
        audited(AuditEventType.SECURITY_CONFIGURATION_CREATED, "user-created", "AppUser/" + created.username);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("username", created.username);
        shown.put("fhir_user", created.fhirUser);
        shown.put("display_name", created.displayName);
        shown.put("created_at", created.createdAt.getEpochSecond());
        return shown;
    }

    /** @return the new key's kid; the previous key stays published until the tokens it signed have expired */
    @Transactional
    public String rotateSigningKey() {
        String kid = signingKeys.rotate();
        audited(AuditEventType.SECURITY_CONFIGURATION_CREATED, "signing-key-rotated", "SigningKey/" + kid);
        return kid;
    }

    private void audited(AuditEventType type, String code, String changed) {
        audit.record(type, AuditOutcome.SUCCESS, code, null,
                event -> event.user(urls.issuer(), AdminCredential.ADMIN_SUBJECT, null).resource(changed));
    }
}
