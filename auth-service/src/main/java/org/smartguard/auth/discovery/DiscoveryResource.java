package org.smartguard.auth.discovery;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The discovery documents. No {@code @Produces}: they are JSON whatever the {@code Accept} header asks for (SMART
 * conformance: a client sending {@code text/html} or {@code application/fhir+json} still gets
 * {@code application/json}, never a 406).
 */
@Path("/.well-known")
public class DiscoveryResource {

    private final DiscoveryDocuments documents;

    DiscoveryResource(DiscoveryDocuments documents) {
        this.documents = documents;
    }

    @GET
    @Path("/openid-configuration")
    public Response openidConfiguration() {
        return json(documents.openidConfiguration());
    }

    /** Served here and proxied by the fhir-service at {@code /fhir/.well-known/smart-configuration}. */
    @GET
    @Path("/smart-configuration")
    public Response smartConfiguration() {
        return json(documents.smartConfiguration());
    }

    static Response json(Map<String, Object> document) {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
