package org.smartguard.fhir.export;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.logging.Logger;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.fhir.FhirR4;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.search.BulkSelection;
import org.smartguard.fhir.security.SmartContext;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one export job: acting with the claims stored at kick-off (so the same access predicates apply as for that
 * client's searches), it opens one read-only REPEATABLE READ transaction, whose snapshot is the manifest's
 * {@code transactionTime} and makes every type consistent with every other, and streams each type through a
 * server-side cursor into NDJSON files. About once a second (looked at every fetch and after each type) it reports
 * progress, which doubles as its heartbeat and tells it when the job was cancelled or taken over. A restarted job
 * starts again from the beginning, with a new snapshot.
 */
@ApplicationScoped
class ExportRunner {

    private static final Logger LOG = Logger.getLogger(ExportRunner.class);

    /**
     * How often a run reports progress (at most; each report is a commit): often enough that a cancel stops it within
     * about a second, rarely enough that an export of many small types is not bound by the disk's commit rate.
     */
    private static final long BEAT_NANOS = 1_000_000_000L;

    /** The job is no longer this worker's: it was cancelled, or another replica took it over. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private final ExportJobs jobs;
    private final ExportStorage storage;
    private final BulkSelection selection;
    private final SmartContext context;
    private final FhirAudit audit;
    private final DataSource dataSource;
    private final ObjectMapper json;
    private final ExportConfig config;

    ExportRunner(ExportJobs jobs, ExportStorage storage, BulkSelection selection, SmartContext context, FhirAudit audit,
            DataSource dataSource, ObjectMapper json, ExportConfig config) {
        this.jobs = jobs;
        this.storage = storage;
        this.selection = selection;
        this.context = context;
        this.audit = audit;
        this.dataSource = dataSource;
        this.json = json;
        this.config = config;
    }

    @ActivateRequestContext
    void run(UUID id, String worker) {
        ExportJob job = jobs.find(id).orElse(null);
        if (job == null) {
            return;
        }
        context.actAs(job.actingToken(), job.patientHint());
        storage.delete(id);
        Map<String, Long> perType = new TreeMap<>();
        try {
            ExportRequest request = json.readValue(job.parameters(), ExportRequest.class);
            long total = write(job, request, worker, perType);
            if (!jobs.finish(id, worker, ExportJob.COMPLETED, null, Instant.now().plus(config.retention()))) {
                throw new Stopped();
            }
            // the export is counted once, as one response of every resource prepared for the client: the audit-service's
            // bulk-response and bulk-user rules read this Result-Count (file downloads carry per-type counts only)
            audit.record(AuditEventType.BULK_EXPORT_COMPLETED, AuditOutcome.SUCCESS, "export", request.groupReference(), List.of(),
                    relative(job.request()), (int) Math.min(total, Integer.MAX_VALUE), perType);
        } catch (Stopped stopped) {
            storage.delete(id);
        } catch (Exception e) {
            LOG.errorf(e, "export %s failed", id);
            storage.delete(id);
            if (jobs.finish(id, worker, ExportJob.FAILED, "the export could not be completed", Instant.now().plus(config.retention()))) {
                audit.record(AuditEventType.BULK_EXPORT_COMPLETED, AuditOutcome.SERIOUS_FAILURE, "SG-FHIR-EXPORT-FAILED", List.of(), List.of(),
                        relative(job.request()), null, perType);
            }
        }
    }

    private long write(ExportJob job, ExportRequest request, String worker, Map<String, Long> perType) throws SQLException, IOException {
        UUID id = job.id();
        List<BulkSelection.Selection> selections = new ArrayList<>();
        BulkSelection.Population population = request.population();
        List<BulkSelection.Selection> deletions = new ArrayList<>();
        for (String type : request.types()) {
            selections.add(selection.of(type, request.typeFilters(type), population, request.since()));
            if (request.since() != null) {
                selection.deletedSince(type, !request.typeFilters(type).isEmpty(), population, request.since()).ifPresent(deletions::add);
            }
        }
        long[] written = {0};
        Heartbeat heartbeat = new Heartbeat(id, worker);
        try (Connection snapshot = dataSource.getConnection()) {
            snapshot.setAutoCommit(false);
            snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            snapshot.setReadOnly(true);
            try {
                if (!jobs.begin(id, worker, selections.size(), snapshotTime(snapshot))) {
                    throw new Stopped();
                }
                writeNotes(id, request.notes());
                int typesDone = 0;
                for (BulkSelection.Selection typeSelection : selections) {
                    NdjsonSplitter files = new NdjsonSplitter(storage, id, typeSelection.type(), ExportFile.OUTPUT, config.maxFileResources(),
                            file -> jobs.addFile(id, file));
                    int done = typesDone;
                    try {
                        long rows = selection.stream(snapshot, typeSelection, config.fetchSize(), (line, patients) -> {
                            files.write(line, patients);
                            if (++written[0] % config.fetchSize() == 0) {
                                heartbeat.due(done, written[0]);
                            }
                        });
                        files.finish();
                        if (rows > 0) {
                            perType.put(typeSelection.type(), rows);
                        }
                    } finally {
                        files.abandon();
                    }
                    heartbeat.due(++typesDone, written[0]);
                }
                writeDeletions(snapshot, id, deletions, heartbeat, typesDone, written[0]);
            } finally {
                snapshot.rollback(); // read only: nothing to keep; ends the snapshot
                snapshot.setReadOnly(false);
                snapshot.setAutoCommit(true);
            }
        }
        return written[0];
    }

    /** The manifest's deleted files: one transaction Bundle per deleted resource, every type in one series of files. */
    private void writeDeletions(Connection snapshot, UUID id, List<BulkSelection.Selection> deletions, Heartbeat heartbeat, int typesDone,
            long written) throws SQLException, IOException {
        NdjsonSplitter files = new NdjsonSplitter(storage, id, "Bundle", ExportFile.DELETED, config.maxFileResources(), file -> jobs.addFile(id, file));
        try {
            for (BulkSelection.Selection deletion : deletions) {
                selection.streamDeleted(snapshot, deletion, config.fetchSize(), files::write);
                heartbeat.due(typesDone, written);
            }
            files.finish();
        } finally {
            files.abandon();
        }
    }

    /** Progress reports of one run, at most one per {@link #BEAT_NANOS}; each tells whether the job is still this run's. */
    private final class Heartbeat {
        private final UUID id;
        private final String worker;
        private long last = System.nanoTime();

        Heartbeat(UUID id, String worker) {
            this.id = id;
            this.worker = worker;
        }

        void due(int typesDone, long resources) {
            if (System.nanoTime() - last < BEAT_NANOS) {
                return;
            }
            if (!jobs.beat(id, worker, typesDone, resources)) {
                throw new Stopped();
            }
            last = System.nanoTime();
        }
    }

    /** The snapshot's time: the first statement of the transaction takes the snapshot, and now() is its start. */
    private static Instant snapshotTime(Connection snapshot) throws SQLException {
        try (Statement statement = snapshot.createStatement(); ResultSet row = statement.executeQuery("SELECT now()")) {
            row.next();
            return row.getTimestamp(1).toInstant();
        }
    }

    /** What lenient handling left out, one OperationOutcome per line in the manifest's error file. */
    private void writeNotes(UUID id, List<String> notes) throws IOException {
        if (notes.isEmpty()) {
            return;
        }
        NdjsonSplitter file = new NdjsonSplitter(storage, id, "OperationOutcome", ExportFile.ERROR, Integer.MAX_VALUE, created -> jobs.addFile(id, created));
        for (String note : notes) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING).setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                    .setDiagnostics(note);
            file.write(FhirR4.context().newJsonParser().encodeResourceToString(outcome), List.of());
        }
        file.finish();
    }

    /** The kick-off URL without the public base, as audit events record queries. */
    static String relative(String requestUrl) {
        int fhir = requestUrl.indexOf("/fhir/");
        return fhir < 0 ? requestUrl : requestUrl.substring(fhir + "/fhir/".length());
    }
}
