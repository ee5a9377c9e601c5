package org.smartguard.commons.audit.outbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

/**
 * The background thread that moves events from the outbox to Kafka. It wakes when an event is appended, polls
 * otherwise (other replicas may fill a shared outbox table), and backs off exponentially while Kafka is away,
 * logging the outage once and then every {@link #OUTAGE_LOG_INTERVAL} instead of once per attempt. After a batch
 * smaller than {@code batchSize} it lets events gather for {@code gatherDelay} before the next: draining at once
 * relayed one or two events per claim, send and delete at a steady request rate, each a cost per batch in the
 * service and in PostgreSQL.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration OUTAGE_LOG_INTERVAL = Duration.ofSeconds(30);

    /** How the relay paces itself. */
    public record Settings(int batchSize, Duration pollInterval, Duration gatherDelay, Duration maxBackoff, Duration shutdownDrainTimeout) {
        public static Settings defaults() {
            return new Settings(500, Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
    }

    private final AuditOutbox outbox;
    private final AuditOutbox.BatchSender sender;
    private final Settings settings;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** What a gather waits on: appends signal {@link #work}, and waking the relay for each would defeat the gather. */
    private final Condition shutdown = lock.newCondition();
    private boolean signalled;
    private volatile boolean closing;
    private volatile long drainDeadline;
    private long failures;
    private long lastOutageLog;

    public OutboxRelay(AuditOutbox outbox, AuditOutbox.BatchSender sender, Settings settings) {
        this.outbox = outbox;
        this.sender = sender;
        this.settings = settings;
        this.thread = new Thread(this::run, "audit-outbox-relay");
        this.thread.setDaemon(true);
    }

    public OutboxRelay start() {
        thread.start();
        return this;
    }

    /** Something was appended: relay it now rather than at the next poll. */
    public void wakeUp() {
        lock.lock();
        try {
            signalled = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            if (closing && (System.nanoTime() > drainDeadline || failures > 0)) {
                return;
            }
            try {
                int sent = outbox.drain(settings.batchSize(), sender);
                if (failures > 0) {
                    LOG.infof("audit relay: Kafka reachable again after %d failed attempts", failures);
                    failures = 0;
                }
                if (sent == 0) {
                    if (closing) {
                        return;
                    }
                    await(settings.pollInterval());
                } else if (sent < settings.batchSize()) {
                    gather();
                }
            } catch (Exception e) {
                failures++;
                logOutage(e);
                if (!closing) {
                    await(backoff());
                }
            }
        }
    }

    private Duration backoff() {
        long millis = 100L << Math.min(failures, 10);
        return Duration.ofMillis(Math.min(millis, settings.maxBackoff().toMillis()));
    }

    private void logOutage(Exception e) {
        long now = System.nanoTime();
        if (failures == 1 || now - lastOutageLog > OUTAGE_LOG_INTERVAL.toNanos()) {
            lastOutageLog = now;
            long waiting = safePendingCount();
            LOG.warnf("audit relay: cannot deliver to Kafka (%s: %s); %d events wait in the outbox",
                    e.getClass().getSimpleName(), e.getMessage(), waiting);
        }
    }

    private long safePendingCount() {
        try {
            return outbox.pendingCount();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Waits for an append's signal, closing or the timeout. */
    private void await(Duration timeout) {
        pause(work, timeout, true);
    }

    /** Waits out the gather delay whatever appends signal meanwhile; only closing cuts it short. */
    private void gather() {
        pause(shutdown, settings.gatherDelay(), false);
    }

    private void pause(Condition condition, Duration timeout, boolean untilSignalled) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!(untilSignalled && signalled) && !closing && nanos > 0) {
                nanos = condition.awaitNanos(nanos);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } finally {
            lock.unlock();
        }
    }

    /** Drains what it can within the shutdown timeout; what is left stays in the outbox for the next start. */
    @Override
    public void close() {
        drainDeadline = System.nanoTime() + settings.shutdownDrainTimeout().toNanos();
        closing = true;
        lock.lock();
        try {
            work.signal();
            shutdown.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(settings.shutdownDrainTimeout().toMillis() + TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
