package org.smartguard.fhir.export;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs export jobs in the background, at most {@code concurrency} at once on this replica. A single scheduler thread
 * claims queued jobs (and jobs whose replica stopped reporting) from the database, every {@code poll-interval} and at
 * once after a kick-off on this replica, and removes expired and cancelled jobs' files. On shutdown the running jobs
 * go back to the queue, so a restart (or another replica) resumes them at once.
 */
@ApplicationScoped
public class ExportWorker {

    private static final Logger LOG = Logger.getLogger(ExportWorker.class);

    /** This process's name in {@code export_job.worker}: a restart is a new worker. */
    private final String name = "fhir-" + UUID.randomUUID();
    private final ExportJobs jobs;
    private final ExportRunner runner;
    private final ExportStorage storage;
    private final ExportConfig config;
    private final Semaphore slots;
    private ScheduledExecutorService scheduler;
    private ExecutorService pool;

    ExportWorker(ExportJobs jobs, ExportRunner runner, ExportStorage storage, ExportConfig config) {
        this.jobs = jobs;
        this.runner = runner;
        this.storage = storage;
        this.config = config;
        this.slots = new Semaphore(config.concurrency());
    }

    void onStart(@Observes StartupEvent start) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "export-scheduler"));
        pool = Executors.newFixedThreadPool(config.concurrency(), runnable -> new Thread(runnable, "export-worker"));
        scheduler.scheduleWithFixedDelay(this::tick, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent stop) {
        scheduler.shutdownNow();
        pool.shutdownNow();
        try {
            jobs.release(name);
        } catch (RuntimeException e) {
            LOG.warn("could not hand running exports back to the queue; they resume once their lease expires", e);
        }
    }

    /** A job was queued on this replica: look now rather than at the next poll. */
    void wake() {
        scheduler.execute(this::tick);
    }

    /** A slot came free: a queued job need not wait for the next poll (unless the service is stopping). */
    private void wakeQuietly() {
        try {
            wake();
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // shutting down: the queue is resumed by the next start
        }
    }

    private void tick() {
        try {
            removeExpired();
            while (slots.tryAcquire()) {
                Optional<UUID> claimed = jobs.claim(name, config.lease());
                if (claimed.isEmpty()) {
                    slots.release();
                    return;
                }
                pool.execute(() -> {
                    try {
                        runner.run(claimed.get(), name);
                    } finally {
                        slots.release();
                        wakeQuietly();
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("export scheduler: " + e.getMessage());
        }
    }

    private void removeExpired() {
        for (UUID id : jobs.removable(config.lease())) {
            storage.delete(id);
            jobs.delete(id);
        }
    }
}
