package org.smartguard.auth.admin;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.auth.oauth.OAuthError;
import org.smartguard.auth.oauth.OAuthException;
import org.smartguard.auth.users.AppUser;
import org.smartguard.auth.users.PasswordHasher;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Creates users: validated, the password bcrypt-hashed and never kept or returned. */
@ApplicationScoped
public class UserAccounts {

    /** A user to create, as the admin API receives it. */
    public record NewUser(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("fhir_user") String fhirUser,
            @JsonProperty("display_name") String displayName) {
    }

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    /** The user's own FHIR resource: a Patient or Practitioner with a valid FHIR id. */
    private static final Pattern FHIR_USER = Pattern.compile("(Patient|Practitioner)/[A-Za-z0-9.-]{1,64}");
    private static final int MIN_PASSWORD = 8;
    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
    private static final int MAX_PASSWORD_BYTES = 72;
    private static final int MAX_DISPLAY_NAME = 200;

    private final PasswordHasher hasher;

    UserAccounts(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    @Transactional
    public AppUser create(NewUser user) {
        if (user.username() == null || !USERNAME.matcher(user.username()).matches()) {
            throw invalid("username must be 1 to 128 characters of A-Z a-z 0-9 . _ @ -");
        }
        if (user.fhirUser() == null || !FHIR_USER.matcher(user.fhirUser()).matches()) {
            throw invalid("fhir_user must be Patient/<id> or Practitioner/<id>");
        }
        if (user.password() == null || user.password().length() < MIN_PASSWORD
                || user.password().getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw invalid("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD_BYTES + " bytes long");
        }
        if (user.displayName() != null && (user.displayName().length() > MAX_DISPLAY_NAME || user.displayName().chars().anyMatch(Character::isISOControl))) {
            throw invalid("display_name must be at most " + MAX_DISPLAY_NAME + " printable characters");
        }
        if (AppUser.findByUsername(user.username()).isPresent()) {
            throw new OAuthException(409, OAuthError.INVALID_REQUEST, "username is already taken");
        }
        AppUser created = new AppUser();
        created.username = user.username();
        created.passwordHash = hasher.hash(user.password());
        created.fhirUser = user.fhirUser();
        created.displayName = user.displayName();
        created.persist();
        return created;
    }

    private static OAuthException invalid(String description) {
        return OAuthException.badRequest(OAuthError.INVALID_REQUEST, description);
    }
}
