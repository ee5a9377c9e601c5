package org.smartguard.audit.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.smartguard.audit.access.AuditApiException;
import org.smartguard.commons.fhir.FhirR4;

/**
 * The audit API's one error mapper: every failure becomes an OperationOutcome whose {@code details.text} is a stable
 * code; nothing unexpected is described to the caller (it is logged here instead).
 */
public class AuditErrorMapper {

    public static final String FHIR_JSON = "application/fhir+json";
    private static final Logger LOG = Logger.getLogger(AuditErrorMapper.class);

    @ServerExceptionMapper
    public Response refusal(AuditApiException e) {
        return response(e);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            return outcome(status, status == 405 ? "not-supported" : status == 404 ? "not-found" : "invalid",
                    "SG-AUDIT-" + status, "the request cannot be served as sent").build();
        }
        LOG.error("unexpected failure", e);
        return outcome(500, "exception", "SG-AUDIT-500", "the server could not complete the request").build();
    }

    public static Response response(AuditApiException e) {
        Response.ResponseBuilder response = outcome(e.status(), e.issueType(), e.code(), e.getMessage());
        if (e.challenge() != null) {
            response.header("WWW-Authenticate", e.challenge());
        }
        return response.build();
    }

    private static Response.ResponseBuilder outcome(int status, String issueType, String code, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.fromCode(issueType))
                .setDetails(new CodeableConcept().setText(code))
                .setDiagnostics(diagnostics);
        return Response.status(status).type(FHIR_JSON).entity(FhirR4.context().newJsonParser().encodeResourceToString(outcome));
    }
}
