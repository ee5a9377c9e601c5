package org.smartguard.audit.integrity;

import java.util.List;

/** The answer of {@code GET /audit/integrity}: every chain, each with its first broken link if it has one. */
public record IntegrityReport(String status, int chainCount, long eventCount, List<Chain> chains) {

    public static final String INTACT = "intact";
    public static final String BROKEN = "broken";

    /** One source partition's chain; {@code firstBrokenLink} is null when it verifies. */
    public record Chain(String topic, int partition, long events, String status, BrokenLink firstBrokenLink) {
    }

    /** Where verification first failed: the row found there (or expected there, when a row is missing) and why. */
    public record BrokenLink(long position, String eventId, String problem) {
    }

    static IntegrityReport of(List<Chain> chains) {
        boolean broken = chains.stream().anyMatch(chain -> chain.firstBrokenLink() != null);
        long events = chains.stream().mapToLong(Chain::events).sum();
        return new IntegrityReport(broken ? BROKEN : INTACT, chains.size(), events, chains);
    }
}
