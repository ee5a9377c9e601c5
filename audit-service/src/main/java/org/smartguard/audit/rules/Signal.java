package org.smartguard.audit.rules;

/**
 * One event's contribution to one rule for one subject (the stream key): how much it counts ({@code amount}, e.g.
 * resources returned) and, for rules that count distinct things, which ({@code item}, e.g. the patient).
 */
public record Signal(Rule rule, String eventId, long recorded, long amount, String item) {
}
