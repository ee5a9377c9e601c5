package org.smartguard.audit.integrity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.smartguard.audit.integrity.IntegrityReport.BrokenLink;
import org.smartguard.audit.integrity.IntegrityReport.Chain;
import org.smartguard.audit.store.AuditSchema;

/**
 * Walks every chain in position order and recomputes each link. A row is broken when its position is not the next
 * one (a row deleted or moved), its {@code prev_hash} is not the previous row's hash (a row deleted, inserted or
 * reordered), or its {@code hash} is not the hash of its payload and {@code prev_hash} (a row edited). The chain's
 * head must be its last row (the newest rows deleted). A chain shortened by retention starts at its anchor.
 * <p>
 * On request, a row is also broken when its search keys are not exactly those its payload yields, at its time (keys
 * edited, added or deleted behind the service's back: the hash does not cover them, so a search could be made to miss
 * or misplace an intact event). That parses every event's JSON, about three times the cost of the walk itself, so it
 * is not part of the default check; it is how a migration's backfill is proven complete.
 */
public class ChainVerifier {

    private static final String S = AuditSchema.SCHEMA;
    private static final int FETCH_SIZE = 1_000;
    private static final String ROWS = "SELECT topic, source_partition, chain_position, event_id, payload, prev_hash, hash"
            + " FROM " + S + ".events ORDER BY topic, source_partition, chain_position";
    /** The events whose stored keys (or their time) differ from what the extraction function yields for them. */
    private static final String KEYS_MISMATCHED = "SELECT e.event_id::text FROM " + S + ".events e LEFT JOIN"
            + " (SELECT event_id, stored_at, array_agg(search_key ORDER BY search_key) AS search_keys, min(recorded) AS earliest,"
            + " max(recorded) AS latest FROM " + S + ".event_keys GROUP BY event_id, stored_at) k"
            + " ON k.event_id = e.event_id AND k.stored_at = e.stored_at"
            + " WHERE k.search_keys IS DISTINCT FROM ARRAY(SELECT " + S + ".event_search_keys(e.payload::jsonb) ORDER BY 1)"
            + " OR k.earliest <> e.recorded OR k.latest <> e.recorded";

    private final DataSource reader;

    public ChainVerifier(DataSource reader) {
        this.reader = reader;
    }

    private record ChainKey(String topic, int partition) implements Comparable<ChainKey> {
        @Override
        public int compareTo(ChainKey other) {
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }

    private record Link(long position, String hash) {
    }

    /** The state of one chain's walk. */
    private static final class Walk {
        final ChainKey key;
        long expectedPosition;
        String expectedPrevious;
        long events;
        BrokenLink broken;

        Walk(ChainKey key, Link anchor) {
            this.key = key;
            this.expectedPosition = anchor == null ? 1 : anchor.position() + 1;
            this.expectedPrevious = anchor == null ? ChainHash.GENESIS : anchor.hash();
        }

        void visit(long position, String eventId, String payload, String previous, String hash, boolean keysMatch) {
            events++;
            if (broken != null) {
                return;
            }
            if (position != expectedPosition) {
                broken = new BrokenLink(expectedPosition, eventId,
                        "expected position " + expectedPosition + " but found " + position + " (a row is missing or moved)");
            } else if (!previous.equals(expectedPrevious)) {
                broken = new BrokenLink(position, eventId, "prev_hash is not the hash of the previous row");
            } else if (!hash.equals(ChainHash.of(payload, previous))) {
                broken = new BrokenLink(position, eventId, "hash does not match the stored event");
            } else if (!keysMatch) {
                broken = new BrokenLink(position, eventId, "search keys do not match the stored event");
            }
            expectedPosition = position + 1;
            expectedPrevious = hash;
        }

        Chain finish(Link head) {
            if (broken == null && head == null) {
                broken = new BrokenLink(expectedPosition - 1, null, "the chain has no head row");
            } else if (broken == null && head.position() != expectedPosition - 1) {
                broken = new BrokenLink(expectedPosition, null, "the chain head is at position " + head.position()
                        + " but the stored rows end at " + (expectedPosition - 1));
            } else if (broken == null && !head.hash().equals(expectedPrevious)) {
                broken = new BrokenLink(head.position(), null, "the last row's hash is not the chain head's");
            }
            return new Chain(key.topic(), key.partition(), events,
                    broken == null ? IntegrityReport.INTACT : IntegrityReport.BROKEN, broken);
        }
    }

    /** @param searchKeys whether each event's search keys are checked against its payload too */
    public IntegrityReport verify(boolean searchKeys) throws SQLException {
        try (Connection connection = reader.getConnection()) {
            connection.setAutoCommit(false);
            // one snapshot: appends committed while the walk runs are not half-seen
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Map<ChainKey, Link> heads = links(connection, "chain_heads");
                Map<ChainKey, Link> anchors = links(connection, "chain_anchors");
                Set<String> mismatchedKeys = searchKeys ? mismatchedKeys(connection) : Set.of();
                List<Chain> chains = new ArrayList<>();
                Walk walk = null;
                try (PreparedStatement rows = connection.prepareStatement(ROWS)) {
                    rows.setFetchSize(FETCH_SIZE);
                    try (ResultSet row = rows.executeQuery()) {
                        while (row.next()) {
                            ChainKey key = new ChainKey(row.getString(1), row.getInt(2));
                            if (walk == null || !walk.key.equals(key)) {
                                if (walk != null) {
                                    chains.add(walk.finish(heads.remove(walk.key)));
                                }
                                walk = new Walk(key, anchors.get(key));
                            }
                            String eventId = row.getString(4);
                            walk.visit(row.getLong(3), eventId, row.getString(5), row.getString(6), row.getString(7),
                                    !mismatchedKeys.contains(eventId));
                        }
                    }
                }
                if (walk != null) {
                    chains.add(walk.finish(heads.remove(walk.key)));
                }
                // heads left have no rows at all: every row deleted, unless retention took them all
                heads.forEach((key, head) -> {
                    if (head.position() > 0 && !Objects.equals(anchors.get(key), head)) {
                        chains.add(new Walk(key, anchors.get(key)).finish(head));
                    }
                });
                chains.sort((a, b) -> new ChainKey(a.topic(), a.partition()).compareTo(new ChainKey(b.topic(), b.partition())));
                return IntegrityReport.of(chains);
            } finally {
                connection.rollback();
            }
        }
    }

    private static Set<String> mismatchedKeys(Connection connection) throws SQLException {
        Set<String> events = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(KEYS_MISMATCHED); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                events.add(rows.getString(1));
            }
        }
        return events;
    }

    private static Map<ChainKey, Link> links(Connection connection, String table) throws SQLException {
        Map<ChainKey, Link> links = new TreeMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT topic, source_partition, chain_position, hash FROM " + S + "." + table);
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                links.put(new ChainKey(rows.getString(1), rows.getInt(2)), new Link(rows.getLong(3), rows.getString(4)));
            }
        }
        return links;
    }
}
