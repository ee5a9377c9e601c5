package org.smartguard.auth.clients;

/** How a client authenticates at the token endpoint (SMART's client-public / -confidential-* capabilities). */
public enum ClientType {
    /** no credential: PKCE protects the code (browser and native apps) */
    PUBLIC,
    /** {@code client_secret_basic} */
    CONFIDENTIAL_SYMMETRIC,
    /** {@code private_key_jwt} signed by a key of the client's JWKS */
    CONFIDENTIAL_ASYMMETRIC
}
