package org.smartguard.commons.jwt;

/**
 * A bearer token that must not be honoured. The message says why in words (for the 401 body and the audit
 * event) and never contains the token.
 */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
