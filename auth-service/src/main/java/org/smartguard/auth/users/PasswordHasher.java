package org.smartguard.auth.users;

import java.security.SecureRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt for user passwords (cost 10, ~60 ms here: slow for a guesser, bearable for a login). */
@ApplicationScoped
public class PasswordHasher {

    private static final int COST = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verified against when the user does not exist, so timing does not reveal which usernames exist. */
    private static final String DUMMY_HASH = OpenBSDBCrypt.generate("dummy".toCharArray(), new byte[16], COST);

    public String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(password.toCharArray(), salt, COST);
    }

    public boolean matches(String password, String hash) {
        return OpenBSDBCrypt.checkPassword(hash == null ? DUMMY_HASH : hash, password.toCharArray()) && hash != null;
    }
}
