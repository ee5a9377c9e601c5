package org.smartguard.audit.store;

/** What one append did: events newly stored, and events skipped because their id was already stored. */
public record AppendResult(int stored, int duplicates) {
}
