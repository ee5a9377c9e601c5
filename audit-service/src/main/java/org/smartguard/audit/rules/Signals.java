package org.smartguard.audit.rules;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.smartguard.commons.audit.AuditCodes;

/**
 * Which rules an event feeds and for which subjects: the rules' selection of events, in one place. Subjects carry
 * their kind ({@code user:}, {@code client:}, {@code ip:}, {@code patient:}) so alerts say what they are about.
 */
public class Signals {

    private static final String LOGIN_SUBTYPE = "110122";
    private static final String RATE_LIMITED_SUBTYPE = "rate-limited";

    private final RulesConfig config;

    public Signals(RulesConfig config) {
        this.config = config;
    }

    /** Every (rule and subject key, signal) the event gives. */
    public List<KeyValue<String, Signal>> of(EventFacts event) {
        List<KeyValue<String, Signal>> out = new ArrayList<>();
        String requestor = event.requestor();
        if (event.returned() != null && event.returned() > config.bulkResponse().threshold() && requestor != null) {
            add(out, Rule.BULK_RESPONSE, requestor, event, event.returned(), null);
        }
        if (event.isRestRead() && event.success() && requestor != null) {
            // a search or $everything says how many it returned; a read returns the resources it names
            long received = event.returned() != null ? event.returned() : event.resources();
            if (received > 0) {
                add(out, Rule.BULK_USER, requestor, event, received, null);
            }
        }
        if (event.isRest() && event.success() && event.patient() != null && isPractitioner(event.fhirUser())) {
            add(out, Rule.SNOOPING, "user:" + event.user(), event, 1, event.patient());
        }
        boolean failedLogin = LOGIN_SUBTYPE.equals(event.subtype()) && !event.success();
        if (failedLogin || status(event, 401)) {
            if (event.user() != null && !event.user().isBlank()) {
                add(out, Rule.BRUTE_FORCE, "user:" + event.user(), event, 1, null);
            }
            if (event.address() != null) {
                add(out, Rule.BRUTE_FORCE, "ip:" + event.address(), event, 1, null);
            }
        }
        if (status(event, 403) && event.client() != null) {
            add(out, Rule.SCOPE_PROBING, "client:" + event.client(), event, 1, null);
        }
        if (status(event, 429) || RATE_LIMITED_SUBTYPE.equals(event.subtype())) {
            String key = event.patient() != null ? "patient:" + event.patient()
                    : event.client() != null ? "client:" + event.client() : event.address() == null ? null : "ip:" + event.address();
            if (key != null) {
                add(out, Rule.RATE_LIMIT_HAMMERING, key, event, 1, null);
            }
        }
        if (AuditCodes.REFRESH_TOKEN_REUSE.equals(event.outcomeCode()) || AuditCodes.CODE_REPLAYED.equals(event.outcomeCode())) {
            String subject = event.client() != null ? "client:" + event.client() : requestor;
            if (subject != null) {
                add(out, Rule.TOKEN_REPLAY, subject, event, 1, null);
            }
        }
        if (event.isRestRead() && event.success() && event.user() != null && offHours(event.recorded())) {
            add(out, Rule.OFF_HOURS, "user:" + event.user(), event, 1, null);
        }
        if (event.isRest() && event.user() != null) {
            add(out, Rule.UNUSUAL_VOLUME, "user:" + event.user(), event, 1, null);
        }
        return out;
    }

    private static void add(List<KeyValue<String, Signal>> out, Rule rule, String subject, EventFacts event, long amount,
            String item) {
        out.add(KeyValue.pair(rule.keyOf(subject), new Signal(rule, event.eventId(), event.recorded(), amount, item)));
    }

    private static boolean status(EventFacts event, int status) {
        return event.status() != null && event.status() == status;
    }

    private static boolean isPractitioner(String fhirUser) {
        return fhirUser != null && (fhirUser.startsWith("Practitioner/") || fhirUser.startsWith("PractitionerRole/"));
    }

    boolean offHours(long recorded) {
        RulesConfig.OffHours hours = config.offHours();
        ZonedDateTime local = Instant.ofEpochMilli(recorded).atZone(hours.zone());
        if (!hours.workingDays().contains(local.getDayOfWeek())) {
            return true;
        }
        var time = local.toLocalTime();
        return time.isBefore(hours.start()) || !time.isBefore(hours.end());
    }
}
