package org.smartguard.auth.authorize;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.audit.AuthAudit;
import org.smartguard.auth.users.AppUser;
import org.smartguard.auth.users.PasswordHasher;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.urls.PublicUrls;

/**
 * Checks a username and password on the login page, throttled and audited. Every failure looks the same to the
 * caller, whether the user exists or not.
 */
@ApplicationScoped
public class UserLogin {

    /** @param user the logged-in user, present only for {@link Outcome#SUCCESS} */
    public record Result(Outcome outcome, Optional<AppUser> user, Instant at) {
    }

    public enum Outcome {
        SUCCESS,
        FAILED,
        THROTTLED
    }

    private final PasswordHasher passwords;
    private final LoginThrottle throttle;
    private final AuthAudit audit;
    private final PublicUrls urls;

    UserLogin(PasswordHasher passwords, LoginThrottle throttle, AuthAudit audit, PublicUrls urls) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.audit = audit;
        this.urls = urls;
    }

    public Result login(String username, String password, String clientId) {
        String name = username == null ? "" : username.trim();
        String address = audit.clientAddress();
        if (throttle.isThrottled(name, address)) {
            record(AuditOutcome.MINOR_FAILURE, "login-throttled", clientId, name, null);
            return new Result(Outcome.THROTTLED, Optional.empty(), Instant.now());
        }
        Optional<AppUser> user = AppUser.findByUsername(name);
        // Always one bcrypt check (against a dummy hash for unknown users), so timing does not tell who exists.
        boolean matches = passwords.matches(password == null ? "" : password, user.map(found -> found.passwordHash).orElse(null));
        if (!matches) {
            throttle.recordFailure(name, address);
            record(AuditOutcome.MINOR_FAILURE, "login-failed", clientId, name, null);
            return new Result(Outcome.FAILED, Optional.empty(), Instant.now());
        }
        throttle.recordSuccess(name);
        record(AuditOutcome.SUCCESS, "login", clientId, name, user.get().fhirUser);
        return new Result(Outcome.SUCCESS, user, Instant.now());
    }

    private void record(AuditOutcome outcome, String code, String clientId, String username, String fhirUser) {
        audit.record(AuditEventType.LOGIN, outcome, code, clientId, event -> event.user(urls.issuer(), username, fhirUser));
    }
}
