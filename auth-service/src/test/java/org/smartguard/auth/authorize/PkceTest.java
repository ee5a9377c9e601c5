package org.smartguard.auth.authorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PkceTest {

    /** RFC 7636 Appendix B. */
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    @Test
    void s256MatchesTheRfc7636Example() {
        assertEquals(CHALLENGE, Pkce.s256(VERIFIER));
        assertTrue(Pkce.verify(VERIFIER, CHALLENGE));
        assertTrue(Pkce.isS256Challenge(CHALLENGE));
    }

    @Test
    void challengeSentAsItsOwnVerifierFails() {
        assertFalse(Pkce.verify(CHALLENGE, CHALLENGE));
    }

    @Test
    void verifierOutsideTheRfcLengthsOrAlphabetFails() {
        String tooShort = "a".repeat(42);
        String tooLong = "a".repeat(129);
        String badCharacter = "a".repeat(42) + "+";
        assertFalse(Pkce.verify(tooShort, Pkce.s256(tooShort)));
        assertFalse(Pkce.verify(tooLong, Pkce.s256(tooLong)));
        assertFalse(Pkce.verify(badCharacter, Pkce.s256(badCharacter)));
        assertTrue(Pkce.verify("a".repeat(128), Pkce.s256("a".repeat(128))));
    }

    @Test
    void missingValuesFail() {
        assertFalse(Pkce.verify(null, CHALLENGE));
        assertFalse(Pkce.verify(VERIFIER, null));
        assertFalse(Pkce.isS256Challenge("plain-verifier-as-challenge"));
    }
}
