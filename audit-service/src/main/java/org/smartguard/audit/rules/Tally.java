package org.smartguard.audit.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The aggregate of one rule's window for one subject: the summed amount, the distinct items (kept only up to one
 * past the threshold, all a decision needs), and the first evidence event ids.
 */
public record Tally(long sum, List<String> items, List<String> evidence) {

    public static Tally empty() {
        return new Tally(0, List.of(), List.of());
    }

    public Tally add(Signal signal, long itemCap, int evidenceLimit) {
        List<String> nextItems = items;
        if (signal.item() != null && items.size() < itemCap && !items.contains(signal.item())) {
            Set<String> grown = new LinkedHashSet<>(items);
            grown.add(signal.item());
            nextItems = List.copyOf(grown);
        }
        List<String> nextEvidence = evidence;
        if (evidence.size() < evidenceLimit) {
            nextEvidence = new ArrayList<>(evidence);
            nextEvidence.add(signal.eventId());
        }
        return new Tally(sum + signal.amount(), nextItems, nextEvidence);
    }

    /** What the rule compares with its threshold: distinct items if it counts them, else the sum. */
    public long measure(boolean distinct) {
        return distinct ? items.size() : sum;
    }
}
