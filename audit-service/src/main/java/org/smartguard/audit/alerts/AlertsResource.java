package org.smartguard.audit.alerts;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.smartguard.audit.access.AuditApiConfig;
import org.smartguard.audit.access.AuditApiException;
import org.smartguard.audit.access.CallerContext;
import org.smartguard.audit.api.QueryParameters;
import org.smartguard.audit.rules.Rule;
import org.smartguard.audit.search.PageCursor;
import org.smartguard.commons.urls.PublicUrls;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /audit/alerts} (filters {@code rule}, {@code severity}, {@code status}; newest first, {@code _count}
 * per page with a {@code next} link) and {@code POST /audit/alerts/{id}/acknowledge}, for security staff.
 * Acknowledging records who and when and takes the alert off the open list; it does not end the rule's
 * suppression of repeat alerts for the same subject (that follows event time, see AlertGate).
 */
@Path("/alerts")
public class AlertsResource {

    private static final Set<String> PARAMETERS = Set.of("rule", "severity", "status", QueryParameters.COUNT, QueryParameters.CURSOR);
    private static final Set<String> RULES = Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> SEVERITIES = Arrays.stream(Rule.Severity.values()).map(Rule.Severity::code)
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> STATUSES = Set.of(StoredAlert.OPEN, StoredAlert.ACKNOWLEDGED);

    /** A page of alerts and the link to the next one (null on the last page). */
    public record AlertPage(List<StoredAlert> alerts, String next) {
    }

    private final AlertQueries alerts;
    private final CallerContext callers;
    private final AuditApiConfig config;
    private final String baseUrl;

    AlertsResource(AlertQueries alerts, CallerContext callers, AuditApiConfig config, PublicUrls urls) {
        this.alerts = alerts;
        this.callers = callers;
        this.config = config;
        this.baseUrl = urls.base() + "/audit/alerts";
    }

    @GET
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public AlertPage list(@Context UriInfo uri) throws SQLException {
        callers.staff();
        QueryParameters parameters = new QueryParameters(uri.getQueryParameters());
        for (String name : parameters.all().keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw AuditApiException.badParameter("unknown parameter: " + name.substring(0, Math.min(40, name.length()))
                        + " (supported: rule, severity, status, _count, _cursor)");
            }
        }
        AlertQueries.Filter filter = new AlertQueries.Filter(oneOf(parameters, "rule", RULES),
                oneOf(parameters, "severity", SEVERITIES), oneOf(parameters, "status", STATUSES));
        String cursor = parameters.single(QueryParameters.CURSOR);
        AlertQueries.Page page = alerts.list(filter, cursor == null ? null : PageCursor.parse(cursor),
                parameters.count(config.defaultPageSize(), config.maxPageSize()));
        return new AlertPage(page.alerts(), page.next() == null ? null : parameters.link(baseUrl, page.next().encode()));
    }

    @POST
    @Path("{id}/acknowledge")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public StoredAlert acknowledge(@PathParam("id") String id) throws SQLException {
        String actor = callers.staff().actor();
        UUID alertId;
        try {
            alertId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        return alerts.acknowledge(alertId, actor).orElseThrow(AlertsResource::unknown);
    }

    private static AuditApiException unknown() {
        return AuditApiException.notFound("no alert has this id");
    }

    private static String oneOf(QueryParameters parameters, String name, Set<String> allowed) {
        String value = parameters.single(name);
        if (value != null && !allowed.contains(value)) {
            throw AuditApiException.badParameter(name + " is one of " + allowed.stream().sorted().toList());
        }
        return value;
    }
}
