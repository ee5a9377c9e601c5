package org.smartguard.fhir.storage;

/** A token search value: {@code system|code}, {@code |code} (no system), or {@code code} (any system). */
public record TokenValue(String system, String code, boolean systemRequiredAbsent) {

    public static TokenValue parse(String value) {
        int bar = value.indexOf('|');
        if (bar < 0) {
            return new TokenValue(null, value, false);
        }
        String system = value.substring(0, bar);
        return new TokenValue(system.isEmpty() ? null : system, value.substring(bar + 1), system.isEmpty());
    }

    public boolean matches(String otherSystem, String otherCode) {
        if (code != null && !code.isEmpty() && !code.equals(otherCode)) {
            return false;
        }
        if (systemRequiredAbsent) {
            return otherSystem == null;
        }
        return system == null || system.equals(otherSystem);
    }
}
