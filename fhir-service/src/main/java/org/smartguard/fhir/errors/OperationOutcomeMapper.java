package org.smartguard.fhir.errors;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.security.SmartRefusal;

import ca.uhn.fhir.parser.DataFormatException;

/**
 * The fhir-service's one error mapper: every failure becomes an OperationOutcome with the right status; nothing
 * unexpected is described to the client (it is logged here instead). Every refusal of an authenticated caller is
 * audited here ({@link FhirAudit#refusal}), whichever layer refused.
 */
public class OperationOutcomeMapper {

    public static final String FHIR_JSON = "application/fhir+json";
    private static final Logger LOG = Logger.getLogger(OperationOutcomeMapper.class);
    /** A restarted database is usually back within seconds. */
    private static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    private final FhirAudit audit;

    OperationOutcomeMapper(FhirAudit audit) {
        this.audit = audit;
    }

    @ServerExceptionMapper
    public Response refusal(FhirException e) {
        if (e.status() != 503) {
            // a 503 is the database or a dependency away: the outbox could not take the event either
            audited(e.status(), e.code());
        }
        Response.ResponseBuilder response = outcome(e.status(), e.issueType(), e.code(), e.getMessage());
        if (e.retryAfterSeconds() != null) {
            response.header("Retry-After", e.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response smartRefusal(SmartRefusal e) {
        audited(e.status(), e.code());
        return outcome(e.status(), e.status() == 403 ? "forbidden" : "login", e.code(), e.getMessage())
                .header("WWW-Authenticate", e.challenge())
                .build();
    }

    @ServerExceptionMapper
    public Response unparseable(DataFormatException e) {
        audited(400, "SG-FHIR-PARSE");
        return outcome(400, "structure", "SG-FHIR-PARSE", "the resource could not be parsed: " + e.getMessage()).build();
    }

    /** Anything else, errors included (a StackOverflowError must not reach the default handler, which shows stacks in dev). */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (e instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            audited(status, "SG-FHIR-" + status);
            return outcome(status, status == 405 ? "not-supported" : status == 404 ? "not-found" : "invalid",
                    "SG-FHIR-" + status, "the request cannot be served as sent").build();
        }
        if (DatabaseOutage.causes(e)) {
            LOG.warnf("database unavailable: %s", e.toString());
            return outcome(503, "transient", "SG-FHIR-DB-UNAVAILABLE", "the server cannot reach its database; retry shortly")
                    .header("Retry-After", DATABASE_RETRY_AFTER_SECONDS).build();
        }
        LOG.error("unexpected failure", e);
        audited(500, "SG-FHIR-500");
        return outcome(500, "exception", "SG-FHIR-500", "the server could not complete the request").build();
    }

    /**
     * Stores the refusal's audit event before the answer leaves, as for any interaction. A refusal that comes with a
     * token comes on a worker thread (the endpoints block; the one non-blocking filter, the bearer check, answers its
     * own 401s), where the outbox's blocking write belongs. A refusal stays the answer even when its event cannot be
     * stored: that is logged.
     */
    private void audited(int status, String code) {
        try {
            AuditEventBuilder event = audit.refusal(status, code);
            if (event != null) {
                audit.publishAll(List.of(event));
            }
        } catch (RuntimeException failure) {
            LOG.warnf("the audit event of a refused request was not stored: %s", failure.toString());
        }
    }

    /** An informational OperationOutcome (for {@code Prefer: return=OperationOutcome}). */
    public static String information(String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(diagnostics);
        return FhirR4.context().newJsonParser().encodeResourceToString(outcome);
    }

    public static Response.ResponseBuilder outcome(int status, String issueType, String code, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.fromCode(issueType))
                .setDetails(new CodeableConcept().setText(code))
                .setDiagnostics(diagnostics);
        return Response.status(status)
                .type(FHIR_JSON)
                .entity(FhirR4.context().newJsonParser().encodeResourceToString(outcome));
    }
}
