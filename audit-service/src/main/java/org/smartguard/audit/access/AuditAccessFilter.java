package org.smartguard.audit.access;

import java.util.List;
import java.util.Set;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.smartguard.audit.api.AuditErrorMapper;
import org.smartguard.audit.dashboard.DashboardSession;

import io.smallrye.mutiny.Uni;

/**
 * Authenticates every request under /audit. The API takes only {@code Authorization: Bearer}. The dashboard pages
 * also take the session cookie set by its login form (a browser cannot send a bearer header when it navigates);
 * the cookie is never accepted by the API, so a page elsewhere cannot make a browser call the API with it.
 */
public class AuditAccessFilter {

    private static final String BEARER = "Bearer ";
    /** Paths under /audit that need no token: the dashboard's login form and its stylesheet. */
    private static final Set<String> PUBLIC = Set.of(DashboardSession.LOGIN_PATH, DashboardSession.STYLESHEET_PATH);

    private final TokenCheck tokens;
    private final CallerContext context;

    AuditAccessFilter(TokenCheck tokens, CallerContext context) {
        this.tokens = tokens;
        this.context = context;
    }

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceFirst("^/?(audit)?/?", "");
        if (PUBLIC.contains(path)) {
            return Uni.createFrom().nullItem();
        }
        boolean page = DashboardSession.isDashboardPath(path);
        List<String> headers = request.getHeaders().getOrDefault("Authorization", List.of());
        String token;
        if (headers.size() > 1) {
            return refuse(AuditApiException.invalidToken("send exactly one Authorization header"));
        } else if (headers.size() == 1 && headers.get(0).regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            token = headers.get(0).substring(BEARER.length()).trim();
        } else if (page && request.getCookies().get(DashboardSession.COOKIE) != null) {
            Cookie cookie = request.getCookies().get(DashboardSession.COOKIE);
            token = cookie.getValue();
        } else {
            return page ? Uni.createFrom().item(DashboardSession.toLogin()) : refuse(AuditApiException.missingToken());
        }
        return tokens.caller(token)
                .map(caller -> {
                    context.set(caller);
                    return (Response) null;
                })
                .onFailure(AuditApiException.class).recoverWithItem(e -> page && ((AuditApiException) e).status() == 401
                        ? DashboardSession.toLogin()
                        : AuditErrorMapper.response((AuditApiException) e));
    }

    private static Uni<Response> refuse(AuditApiException refusal) {
        return Uni.createFrom().item(AuditErrorMapper.response(refusal));
    }
}
