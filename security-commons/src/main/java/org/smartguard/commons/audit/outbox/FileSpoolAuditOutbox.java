package org.smartguard.commons.audit.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.jboss.logging.Logger;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * An outbox on local disk for a service without a database (the gateway). Events are appended to numbered
 * segment files as {@code [length][crc32][eventId \n key \n json]} records and fsync'ed before {@code append}
 * returns; a cursor file (replaced atomically) says how far Kafka has acknowledged. After a crash, a record torn
 * by the crash is detected by its length or checksum and cut off; it was never acknowledged to the caller.
 * Fully acknowledged segments are deleted. One process owns a spool directory at a time (a file lock).
 */
public final class FileSpoolAuditOutbox implements AuditOutbox {

    private static final Logger LOG = Logger.getLogger(FileSpoolAuditOutbox.class);
    private static final String SEGMENT_PREFIX = "segment-";
    private static final String SEGMENT_SUFFIX = ".spool";
    private static final String CURSOR = "cursor";
    private static final int HEADER_BYTES = 8;
    /** An event larger than this is a bug, not an audit record. */
    private static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
    /** Records are read through a buffer of this size: a drain costs one read per chunk, not two per record. */
    private static final int READ_CHUNK = 256 * 1024;

    private record Position(long segment, long offset) {
    }

    private record Scan(long validEnd, long records) {
    }

    private final Path dir;
    private final long maxSegmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Object writeLock = new Object();
    private final Object drainLock = new Object();
    private final AtomicLong pending = new AtomicLong();

    private FileChannel writer;
    /**
     * The relay's read buffer, kept between drains (under drainLock): a new one per drain was among the relay's
     * largest allocations. A record larger than it is read through a buffer of its own.
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK);
    private long writeSegment;
    private long writeSize;
    private volatile Position written;
    private Position cursor;

    public FileSpoolAuditOutbox(Path dir, long maxSegmentBytes) {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("audit spool " + dir + " is in use by another process");
            }
            recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool " + dir + ": " + e.getMessage(), e);
        }
    }

    private void recover() throws IOException {
        cursor = readCursor();
        List<Long> segments = segments();
        for (long segment : segments) {
            if (segment < cursor.segment()) {
                Files.deleteIfExists(segmentPath(segment));
            }
        }
        segments.removeIf(segment -> segment < cursor.segment());
        long count = 0;
        for (int i = 0; i < segments.size(); i++) {
            long segment = segments.get(i);
            long from = segment == cursor.segment() ? cursor.offset() : 0;
            try (FileChannel channel = FileChannel.open(segmentPath(segment), StandardOpenOption.READ)) {
                Scan scan = scan(channel, from);
                count += scan.records();
                boolean last = i == segments.size() - 1;
                if (last && scan.validEnd() < channel.size()) {
                    LOG.warnf("audit spool %s: cutting %d bytes of an unfinished record off segment %d",
                            dir, channel.size() - scan.validEnd(), segment);
                    try (FileChannel truncate = FileChannel.open(segmentPath(segment), StandardOpenOption.WRITE)) {
                        truncate.truncate(scan.validEnd());
                        truncate.force(true);
                    }
                }
            }
        }
        pending.set(count);
        writeSegment = segments.isEmpty() ? cursor.segment() : segments.get(segments.size() - 1);
        writer = FileChannel.open(segmentPath(writeSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        writeSize = writer.size();
        writer.position(writeSize);
        written = new Position(writeSegment, writeSize);
        syncDirectory();
    }

    @Override
    public void append(List<EncodedAuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        ByteBuffer records = encode(events);
        synchronized (writeLock) {
            try {
                if (writeSize > 0 && writeSize + records.remaining() > maxSegmentBytes) {
                    roll();
                }
                while (records.hasRemaining()) {
                    writeSize += writer.write(records);
                }
                writer.force(false);
                written = new Position(writeSegment, writeSize);
                pending.addAndGet(events.size());
            } catch (IOException e) {
                throw new UncheckedIOException("audit spool write failed: " + e.getMessage(), e);
            }
        }
    }

    private void roll() throws IOException {
        writer.force(true);
        writer.close();
        writeSegment++;
        writer = FileChannel.open(segmentPath(writeSegment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeSize = 0;
        syncDirectory();
    }

    @Override
    public int drain(int max, BatchSender sender) throws Exception {
        synchronized (drainLock) {
            Position end = written;
            Position position = cursor;
            List<EncodedAuditEvent> batch = new ArrayList<>();
            while (batch.size() < max && before(position, end)) {
                position = readInto(position, end, max - batch.size(), batch);
            }
            if (batch.isEmpty()) {
                return 0;
            }
            sender.send(batch);
            writeCursor(position);
            long consumedUpTo = position.segment();
            for (long segment = cursor.segment(); segment < consumedUpTo; segment++) {
                Files.deleteIfExists(segmentPath(segment));
            }
            cursor = position;
            pending.addAndGet(-batch.size());
            return batch.size();
        }
    }

    private static boolean before(Position position, Position end) {
        return position.segment() < end.segment()
                || (position.segment() == end.segment() && position.offset() < end.offset());
    }

    /** Reads records of one segment from {@code position}; returns where reading stopped. */
    private Position readInto(Position position, Position end, int max, List<EncodedAuditEvent> batch) throws IOException {
        Path path = segmentPath(position.segment());
        if (!Files.exists(path)) {
            return new Position(position.segment() + 1, 0);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long limit = position.segment() == end.segment() ? end.offset() : channel.size();
            RecordReader records = new RecordReader(channel, limit, readBuffer);
            long offset = position.offset();
            int read = 0;
            while (read < max && offset < limit) {
                byte[] payload = records.payload(offset);
                EncodedAuditEvent event = payload == null ? null : decode(payload);
                if (event == null) {
                    // damaged record inside a closed segment: nothing after it can be trusted
                    LOG.errorf("audit spool %s: damaged record in segment %d at offset %d; skipping the rest of the segment",
                            dir, position.segment(), offset);
                    offset = limit;
                    break;
                }
                batch.add(event);
                offset += HEADER_BYTES + payload.length;
                read++;
            }
            if (offset >= limit && position.segment() < end.segment()) {
                return new Position(position.segment() + 1, 0);
            }
            return new Position(position.segment(), offset);
        }
    }

    /** {@code eventId \n key \n json}, split on the bytes (a newline byte never occurs inside a UTF-8 sequence). */
    private static EncodedAuditEvent decode(byte[] payload) {
        int first = indexOfNewline(payload, 0);
        int second = first < 0 ? -1 : indexOfNewline(payload, first + 1);
        if (second < 0) {
            return null;
        }
        return new EncodedAuditEvent(new String(payload, 0, first, StandardCharsets.UTF_8),
                new String(payload, first + 1, second - first - 1, StandardCharsets.UTF_8),
                new String(payload, second + 1, payload.length - second - 1, StandardCharsets.UTF_8));
    }

    private static int indexOfNewline(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the records of one segment up to {@code limit} through a buffer of {@link #READ_CHUNK} bytes (more for
     * a larger record). A record is returned only when its length is plausible, it lies wholly before the limit and
     * its checksum matches; otherwise null (incomplete or corrupt).
     */
    private static final class RecordReader {
        private final FileChannel channel;
        private final long limit;
        private ByteBuffer buffer;
        private long bufferStart;

        /** @param buffer a buffer to read through (its content is not used), replaced here by a larger one if needed */
        RecordReader(FileChannel channel, long limit, ByteBuffer buffer) {
            this.channel = channel;
            this.limit = limit;
            this.buffer = buffer.clear().limit(0);
        }

        byte[] payload(long offset) throws IOException {
            if (offset + HEADER_BYTES > limit) {
                return null;
            }
            int at = buffered(offset, HEADER_BYTES);
            int length = buffer.getInt(at);
            int crc = buffer.getInt(at + 4);
            if (length <= 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > limit) {
                return null;
            }
            at = buffered(offset, HEADER_BYTES + length);
            byte[] payload = new byte[length];
            buffer.get(at + HEADER_BYTES, payload);
            CRC32 checksum = new CRC32();
            checksum.update(payload);
            return (int) checksum.getValue() == crc ? payload : null;
        }

        /** Makes {@code bytes} bytes from {@code offset} (all before the limit) buffered; returns where they start. */
        private int buffered(long offset, int bytes) throws IOException {
            if (offset < bufferStart || offset + bytes > bufferStart + buffer.limit()) {
                int size = (int) Math.min(limit - offset, Math.max(bytes, READ_CHUNK));
                if (buffer.capacity() < size) {
                    buffer = ByteBuffer.allocate(size);
                }
                buffer.clear().limit(size);
                readFully(channel, buffer, offset);
                bufferStart = offset;
            }
            return (int) (offset - bufferStart);
        }
    }

    private static Scan scan(FileChannel channel, long from) throws IOException {
        long offset = from;
        long records = 0;
        RecordReader reader = new RecordReader(channel, channel.size(), ByteBuffer.allocate(0));
        byte[] payload;
        while ((payload = reader.payload(offset)) != null) {
            offset += HEADER_BYTES + payload.length;
            records++;
        }
        return new Scan(offset, records);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        long at = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of segment at " + at);
            }
            at += n;
        }
    }

    private static ByteBuffer encode(List<EncodedAuditEvent> events) {
        List<byte[]> payloads = new ArrayList<>(events.size());
        int total = 0;
        for (EncodedAuditEvent event : events) {
            byte[] payload = payload(event);
            if (payload.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("audit event " + event.eventId() + " is larger than " + MAX_RECORD_BYTES + " bytes");
            }
            payloads.add(payload);
            total += HEADER_BYTES + payload.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        CRC32 checksum = new CRC32();
        for (byte[] payload : payloads) {
            checksum.reset();
            checksum.update(payload);
            buffer.putInt(payload.length).putInt((int) checksum.getValue()).put(payload);
        }
        return buffer.flip();
    }

    private static byte[] payload(EncodedAuditEvent event) {
        if (event.eventId().indexOf('\n') >= 0 || event.key().indexOf('\n') >= 0) {
            throw new IllegalArgumentException("event id and key must be single-line");
        }
        return (event.eventId() + '\n' + event.key() + '\n' + event.json()).getBytes(StandardCharsets.UTF_8);
    }

    private Position readCursor() throws IOException {
        Path path = dir.resolve(CURSOR);
        if (Files.exists(path)) {
            String saved = Files.readString(path, StandardCharsets.US_ASCII).trim();
            String[] parts = saved.split(" ");
            try {
                return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // a cursor torn by a power loss (it is not fsync'ed): resend from the oldest segment kept
                LOG.warnf("audit spool %s: unreadable cursor '%s'; resending from the oldest segment", dir, saved);
            }
        }
        List<Long> segments = segments();
        return new Position(segments.isEmpty() ? 0 : segments.get(0), 0);
    }

    /**
     * Replaced atomically (a process crash leaves the old or the new cursor) but not fsync'ed: after a power loss
     * the cursor may lag and events Kafka already acknowledged are sent again, which the audit-service drops as
     * duplicates (it stores each event id once). An fsync here cost two disk flushes per relayed batch.
     */
    private void writeCursor(Position position) throws IOException {
        Path temporary = dir.resolve(CURSOR + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((position.segment() + " " + position.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
        Files.move(temporary, dir.resolve(CURSOR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private List<Long> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.map(path -> path.getFileName().toString())
                    .filter(name -> name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX))
                    .map(name -> Long.parseLong(name.substring(SEGMENT_PREFIX.length(), name.length() - SEGMENT_SUFFIX.length())))
                    .sorted()
                    .toList());
        }
    }

    private Path segmentPath(long segment) {
        return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, segment, SEGMENT_SUFFIX));
    }

    @Override
    public long pendingCount() {
        return pending.get();
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            try {
                writer.close();
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                LOG.warnf("audit spool %s: close failed: %s", dir, e.getMessage());
            }
        }
    }
}
