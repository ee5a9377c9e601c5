package org.smartguard.commons.audit.outbox;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Kafka that never answers (a socket that takes connections and stays silent, as a hung broker or a black-holed
 * network does): a batch fails after one wait for the topic's metadata, not one per record, and closing the sender
 * ends a send that is still waiting, so a service can always shut down.
 */
class KafkaAuditSenderTest {

    private ServerSocket silentBroker;

    @BeforeEach
    void silentBroker() throws IOException {
        // never accepted: the kernel completes the connections, nothing ever answers
        silentBroker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeBroker() throws IOException {
        silentBroker.close();
    }

    private KafkaAuditSender sender(Duration maxBlock) {
        return new KafkaAuditSender(Map.of("bootstrap.servers", "127.0.0.1:" + silentBroker.getLocalPort(),
                "max.block.ms", (int) maxBlock.toMillis()), "audit-events", Duration.ofSeconds(15));
    }

    private static List<EncodedAuditEvent> events(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new EncodedAuditEvent(UUID.randomUUID().toString(), "patient-" + i, "{}"))
                .toList();
    }

    @Test
    void aBatchFailsAfterOneWaitForKafkaNotOneWaitPerRecord() {
        try (KafkaAuditSender sender = sender(Duration.ofSeconds(1))) {
            // waiting per record would take 100 s
            assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(Exception.class, () -> sender.send(events(100))));
        }
    }

    @Test
    void closingEndsASendStillWaitingForKafka() throws Exception {
        KafkaAuditSender sender = sender(Duration.ofMinutes(5));
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                sender.send(events(3));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the send waits for metadata for up to five minutes; close must neither wait for it nor leave it waiting
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            sender.close();
            assertThrows(ExecutionException.class, sending::get);
        });
        assertThrows(IllegalStateException.class, () -> sender.send(events(1)));
    }
}
