package org.smartguard.gateway.audit;

import org.smartguard.commons.jwt.ValidatedToken;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** What the audit event of one request needs, gathered as the request passes the gateway's steps. */
public final class AuditedRequest {

    private final String requestId;
    private final HttpMethod method;
    private final String path;
    private final String uri;
    private final String userAgent;
    private String clientAddress;
    private String route;
    private ValidatedToken token;
    private String patient;

    public AuditedRequest(HttpServerRequest request, String requestId) {
        this.requestId = requestId;
        this.method = request.method();
        this.path = request.path();
        this.uri = request.uri();
        this.userAgent = request.getHeader("User-Agent");
        this.clientAddress = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    /** The client as resolved behind trusted proxies. */
    public AuditedRequest clientAddress(String address) {
        this.clientAddress = address;
        return this;
    }

    public AuditedRequest route(String name) {
        this.route = name;
        return this;
    }

    /** The verified token and the patient the request is about. */
    public AuditedRequest authenticated(ValidatedToken verified, String patientId) {
        this.token = verified;
        this.patient = patientId;
        return this;
    }

    public String requestId() {
        return requestId;
    }

    HttpMethod method() {
        return method;
    }

    String path() {
        return path;
    }

    String uri() {
        return uri;
    }

    String userAgent() {
        return userAgent;
    }

    public String clientAddress() {
        return clientAddress;
    }

    String route() {
        return route;
    }

    ValidatedToken token() {
        return token;
    }

    String patient() {
        return patient;
    }
}
