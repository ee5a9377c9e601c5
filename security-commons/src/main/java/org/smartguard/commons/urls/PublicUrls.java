package org.smartguard.commons.urls;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The suite's public addresses, all derived from one setting ({@code smartguard.public-base-url}, the gateway's
 * external URL): the issuer of tokens, the FHIR base that is their audience, and every link a service writes.
 */
@ApplicationScoped
public class PublicUrls {

    private final String base;

    public PublicUrls(@ConfigProperty(name = "smartguard.public-base-url") String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String base() {
        return base;
    }

    /** {@code iss} of every token: {@code <base>/auth}. */
    public String issuer() {
        return base + "/auth";
    }

    /** The FHIR base URL, {@code aud} of access tokens: {@code <base>/fhir}. */
    public String fhirBase() {
        return base + "/fhir";
    }

    /** An auth-service endpoint, e.g. {@code auth("/token")}. */
    public String auth(String path) {
        return issuer() + path;
    }
}
