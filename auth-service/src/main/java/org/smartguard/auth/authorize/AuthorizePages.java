package org.smartguard.auth.authorize;

import java.util.List;

import org.smartguard.auth.patients.PatientDirectory;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The pages of the authorization flow, {@code templates/authorize/*.html} (HTML-escaped by Qute). */
@CheckedTemplate(basePath = "authorize")
public final class AuthorizePages {

    /** One consent-page checkbox: the scope as sent and its plain-words line from the scope parser. */
    public record ScopeLine(String scope, String description) {
    }

    private AuthorizePages() {
    }

    static native TemplateInstance login(String clientName, String csrf, String error);

    static native TemplateInstance patient(String clientName, String csrf, String error, String query,
            List<PatientDirectory.PatientSummary> results);

    static native TemplateInstance consent(String clientName, String csrf, String patient, List<ScopeLine> scopes);

    static native TemplateInstance error(String description);
}
