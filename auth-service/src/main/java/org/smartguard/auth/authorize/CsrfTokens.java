package org.smartguard.auth.authorize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Compares a form's CSRF token with the pending authorization's, in constant time. */
final class CsrfTokens {

    private CsrfTokens() {
    }

    static boolean matches(String sent, String expected) {
        return sent != null && expected != null
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
