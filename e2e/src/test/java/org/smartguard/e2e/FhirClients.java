package org.smartguard.e2e;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;

/** HAPI FHIR generic clients of the stack's FHIR base through the gateway; one FhirContext (costly to build) for all. */
final class FhirClients {

    static final FhirContext R4 = FhirContext.forR4();

    static {
        // the CapabilityStatement is public: the client checks it once, as HAPI clients do by default
        R4.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.ONCE);
    }

    private FhirClients() {
    }

    /** A client that sends no token. */
    static IGenericClient anonymous(E2eStack stack) {
        return R4.newRestfulGenericClient(stack.gatewayUrl() + "/fhir");
    }

    /** A client that sends the access token as a bearer token with every request. */
    static IGenericClient withToken(E2eStack stack, String accessToken) {
        IGenericClient client = anonymous(stack);
        client.registerInterceptor(new BearerTokenAuthInterceptor(accessToken));
        return client;
    }
}
