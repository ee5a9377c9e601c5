package org.smartguard.commons.audit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.EncodedAuditEvent;

/** The relay's pacing, over an outbox in memory: batches gather after a partial one, closing does not wait. */
class OutboxRelayTest {

    private static final Duration GATHER = Duration.ofSeconds(1);

    private final MemoryOutbox outbox = new MemoryOutbox();
    private final List<Integer> batches = new CopyOnWriteArrayList<>();

    @Test
    void eventsAppendedAfterAPartialBatchGatherIntoTheNextOne() {
        try (OutboxRelay relay = relay()) {
            append(relay, 1);
            Awaitility.await("the first event relayed").atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
            // the relay is now gathering: each append wakes it, none makes it drain before the delay is over
            for (int i = 0; i < 5; i++) {
                append(relay, 1);
            }
            Awaitility.await("the others relayed").atMost(Duration.ofSeconds(10)).until(() -> outbox.pendingCount() == 0);
            assertEquals(List.of(1, 5), batches);
        }
    }

    @Test
    void closingCutsAGatherShort() {
        OutboxRelay relay = relay();
        append(relay, 1);
        Awaitility.await("the first event relayed").atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 1);
        append(relay, 1);
        long start = System.nanoTime();
        relay.close();
        assertTrue(System.nanoTime() - start < GATHER.toNanos(), "close did not wait out the gather delay");
        assertEquals(0, outbox.pendingCount(), "what was appended is relayed before the relay stops");
    }

    private OutboxRelay relay() {
        return new OutboxRelay(outbox, batch -> batches.add(batch.size()),
                new OutboxRelay.Settings(100, Duration.ofSeconds(30), GATHER, Duration.ofSeconds(1), Duration.ofSeconds(5))).start();
    }

    private void append(OutboxRelay relay, int events) {
        List<EncodedAuditEvent> appended = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String id = UUID.randomUUID().toString();
            appended.add(new EncodedAuditEvent(id, "patient", "{\"id\":\"" + id + "\"}"));
        }
        outbox.append(appended);
        relay.wakeUp();
    }

    /** Events in a list; a drain takes the oldest. */
    private static final class MemoryOutbox implements AuditOutbox {

        private final List<EncodedAuditEvent> events = new ArrayList<>();

        @Override
        public synchronized void append(List<EncodedAuditEvent> appended) {
            events.addAll(appended);
        }

        @Override
        public int drain(int max, BatchSender sender) throws Exception {
            List<EncodedAuditEvent> batch;
            synchronized (this) {
                batch = List.copyOf(events.subList(0, Math.min(max, events.size())));
            }
            if (batch.isEmpty()) {
                return 0;
            }
            sender.send(batch);
            synchronized (this) {
                events.subList(0, batch.size()).clear();
            }
            return batch.size();
        }

        @Override
        public synchronized long pendingCount() {
            return events.size();
        }

        @Override
        public void close() {
        }
    }
}
