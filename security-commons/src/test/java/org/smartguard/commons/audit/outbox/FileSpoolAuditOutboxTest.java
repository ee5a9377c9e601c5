package org.smartguard.commons.audit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smartguard.commons.audit.EncodedAuditEvent;

class FileSpoolAuditOutboxTest {

    private static final long SMALL_SEGMENTS = 2_000;

    @TempDir
    Path dir;

    private static List<EncodedAuditEvent> events(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> new EncodedAuditEvent("id-" + i, "patient-" + (i % 3), "{\"resourceType\":\"AuditEvent\",\"n\":" + i + "}"))
                .toList();
    }

    private static List<EncodedAuditEvent> drainAll(FileSpoolAuditOutbox spool) throws Exception {
        List<EncodedAuditEvent> out = new ArrayList<>();
        while (spool.drain(7, out::addAll) > 0) {
            // keep draining in small batches
        }
        return out;
    }

    @Test
    void drainsInAppendOrderAcrossSegmentsAndDeletesSentSegments() throws Exception {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS)) {
            for (int i = 0; i < 100; i += 10) {
                spool.append(events(i, 10));
            }
            assertTrue(segmentCount() > 3, "small segments roll over");
            assertEquals(100, spool.pendingCount());

            assertEquals(events(0, 100), drainAll(spool));
            assertEquals(0, spool.pendingCount());
            assertEquals(1, segmentCount(), "only the segment being written remains");
        }
    }

    @Test
    void recordsAcrossReadChunksAndOneLargerThanAChunkComeBackWholeWithTheirNonAsciiText() throws Exception {
        // the reader buffers 256 KiB at a time: 2,000 records of ~400 bytes cross several chunk edges, and one record
        // of 400 KB is larger than a chunk; names in several scripts check that the split is on bytes, not chars
        List<EncodedAuditEvent> sent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            sent.add(new EncodedAuditEvent("id-" + i, "patient-" + i, "{\"name\":\"Zoë Łukasz 患者 " + i + "\",\"pad\":\"" + "x".repeat(i % 700) + "\"}"));
            if (i == 1_000) {
                sent.add(new EncodedAuditEvent("id-large", "patient-large", "{\"pad\":\"" + "é".repeat(200_000) + "\"}"));
            }
        }
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, 64L * 1024 * 1024)) {
            spool.append(sent.subList(0, 1_500));
            spool.append(sent.subList(1_500, sent.size()));
        }
        try (FileSpoolAuditOutbox reopened = new FileSpoolAuditOutbox(dir, 64L * 1024 * 1024)) {
            assertEquals(sent.size(), reopened.pendingCount(), "the recovery scan counts every record, none cut off");
            List<EncodedAuditEvent> drained = new ArrayList<>();
            while (reopened.drain(500, drained::addAll) > 0) {
                // batches of 500 end mid-chunk: the next drain starts inside what the previous one buffered
            }
            assertEquals(sent, drained);
        }
    }

    @Test
    void failedSendLeavesTheBatchInTheSpool() throws Exception {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS)) {
            spool.append(events(0, 5));
            assertThrows(IllegalStateException.class, () -> spool.drain(10, batch -> {
                throw new IllegalStateException("broker away");
            }));
            assertEquals(5, spool.pendingCount());
            assertEquals(events(0, 5), drainAll(spool));
        }
    }

    @Test
    void eventsNotYetSentSurviveARestart() throws Exception {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS)) {
            spool.append(events(0, 40));
            spool.drain(15, batch -> { });
        }
        try (FileSpoolAuditOutbox reopened = new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS)) {
            assertEquals(25, reopened.pendingCount());
            reopened.append(events(40, 5));
            assertEquals(events(15, 30), drainAll(reopened));
        }
    }

    @Test
    void aCursorTornByAPowerLossResendsWhatIsKeptRatherThanLosingIt() throws Exception {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, 1_000_000)) {
            spool.append(events(0, 10));
            spool.drain(4, batch -> { });
        }
        // the cursor is not fsync'ed: after a power loss it may be empty
        Files.writeString(dir.resolve("cursor"), "");
        try (FileSpoolAuditOutbox recovered = new FileSpoolAuditOutbox(dir, 1_000_000)) {
            assertEquals(10, recovered.pendingCount(), "the acknowledged events are sent again (the audit-service drops duplicates)");
            assertEquals(events(0, 10), drainAll(recovered));
        }
    }

    @Test
    void recordTornByACrashIsCutOffAndTheRestIsKept() throws Exception {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, 1_000_000)) {
            spool.append(events(0, 3));
        }
        Path segment = onlySegment();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // a header that promises 500 bytes, then the crash
            channel.write(ByteBuffer.allocate(12).putInt(500).putInt(42).putInt(7).flip());
        }
        long tornSize = Files.size(segment);
        try (FileSpoolAuditOutbox recovered = new FileSpoolAuditOutbox(dir, 1_000_000)) {
            assertEquals(3, recovered.pendingCount());
            assertEquals(tornSize - 12, Files.size(segment));
            recovered.append(events(3, 1));
            assertEquals(events(0, 4), drainAll(recovered));
        }
    }

    @Test
    void aSecondProcessCannotOpenTheSameSpool() {
        try (FileSpoolAuditOutbox spool = new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS)) {
            // the JVM reports an overlapping lock as OverlappingFileLockException; another process sees it held
            assertThrows(RuntimeException.class, () -> new FileSpoolAuditOutbox(dir, SMALL_SEGMENTS));
        }
    }

    private long segmentCount() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".spool")).count();
        }
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".spool")).findFirst().orElseThrow();
        }
    }
}
