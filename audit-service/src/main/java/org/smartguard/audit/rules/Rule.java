package org.smartguard.audit.rules;

import com.fasterxml.jackson.annotation.JsonValue;

/** The anomaly rules, with the id alerts carry and their severity. */
public enum Rule {
    BULK_RESPONSE("bulk-response", Severity.HIGH),
    BULK_USER("bulk-user", Severity.HIGH),
    SNOOPING("snooping", Severity.HIGH),
    BRUTE_FORCE("brute-force", Severity.MEDIUM),
    SCOPE_PROBING("scope-probing", Severity.MEDIUM),
    RATE_LIMIT_HAMMERING("rate-limit-hammering", Severity.LOW),
    TOKEN_REPLAY("token-replay", Severity.HIGH),
    OFF_HOURS("off-hours", Severity.MEDIUM),
    UNUSUAL_VOLUME("unusual-volume", Severity.MEDIUM);

    public enum Severity {
        LOW,
        MEDIUM,
        HIGH;

        @JsonValue
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final Severity severity;

    Rule(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    /** The stream key of a rule's subject: the rule id, a bar, the subject (rule ids never contain a bar). */
    public String keyOf(String subject) {
        return id + "|" + subject;
    }

    public static String subjectOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }
}
