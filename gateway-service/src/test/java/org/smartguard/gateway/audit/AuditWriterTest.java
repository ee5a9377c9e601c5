package org.smartguard.gateway.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditPublisher;

/** The queue between the event loop and the spool, with a publisher that stands still until the test lets it go. */
class AuditWriterTest {

    /** Records each publishAll call; the first one waits for {@link #release}. */
    private static final class SlowSpool implements AuditPublisher {
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final List<AuditEventBuilder> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(AuditEvent event) {
            throw new UnsupportedOperationException("the writer publishes builders");
        }

        @Override
        public void publishAll(List<AuditEventBuilder> events) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(events.size());
            published.addAll(events);
        }

        @Override
        public long pendingEvents() {
            return 0;
        }
    }

    private static AuditEventBuilder event() {
        return AuditEventBuilder.event(AuditEventType.REST_READ, "gateway-service").client("app", "10.0.0.1");
    }

    @Test
    void eventsQueuedWhileTheSpoolIsBusyAreWrittenInBatchesAllOfThem() {
        SlowSpool spool = new SlowSpool();
        try (AuditWriter writer = new AuditWriter(spool, 1000, 100, Duration.ZERO)) {
            writer.offer(event());
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 0); // the writer holds the first event
            for (int i = 0; i < 250; i++) {
                writer.offer(event());
            }
            spool.release.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> spool.published.size() == 251);
            assertEquals(251, spool.published.stream().distinct().count());
            assertEquals(List.of(1, 100, 100, 50), spool.batches, "one fsync per batch of what was waiting");
            assertEquals(0, writer.lost());
        }
    }

    @Test
    void aNearlyFullQueueSaysSaturatedAndRecoversOnceWritten() {
        SlowSpool spool = new SlowSpool();
        try (AuditWriter writer = new AuditWriter(spool, 100, 1000, Duration.ZERO)) {
            writer.offer(event());
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.waiting() == 0);
            for (int i = 0; i < 90; i++) {
                writer.offer(event());
            }
            assertFalse(writer.saturated(), "ten places free: still accepting");
            writer.offer(event());
            assertTrue(writer.saturated(), "fewer than a tenth free");

            spool.release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !writer.saturated() && spool.published.size() == 92);
            assertEquals(0, writer.lost());
        }
    }

    @Test
    void eventsArrivingDuringTheCommitDelayShareOneWrite() {
        SlowSpool spool = new SlowSpool();
        spool.release.countDown();
        try (AuditWriter writer = new AuditWriter(spool, 1000, 100, Duration.ofSeconds(2))) {
            writer.offer(event());
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.published.size() == 1); // written at once: the spool was idle
            for (int i = 0; i < 5; i++) {
                writer.offer(event());
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> spool.published.size() == 6);
            assertEquals(List.of(1, 5), spool.batches, "the five that came one by one during the delay: one write");
        }
    }

    @Test
    void closingWritesWhatIsQueued() {
        SlowSpool spool = new SlowSpool();
        spool.release.countDown();
        AuditWriter writer = new AuditWriter(spool, 1000, 10, Duration.ZERO);
        for (int i = 0; i < 35; i++) {
            writer.offer(event());
        }
        writer.close(Duration.ofSeconds(10));
        assertEquals(35, spool.published.size());
    }
}
