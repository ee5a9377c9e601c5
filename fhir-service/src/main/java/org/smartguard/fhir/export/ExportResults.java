package org.smartguard.fhir.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.urls.PublicUrls;
import org.smartguard.fhir.audit.FhirAudit;
import org.smartguard.fhir.errors.FhirException;
import org.smartguard.fhir.security.SmartContext;

/**
 * What a client does with its jobs after the kick-off: poll the status (manifest when complete), download the
 * files, cancel or delete. A job is only ever visible to the client (and subject) that started it; to anyone else,
 * as once it is cancelled or expired, it does not exist (404).
 */
@ApplicationScoped
class ExportResults {

    /** The status of a job: still running (with its progress), failed, or complete with its manifest. */
    sealed interface Status permits Running, Failed, Complete {
    }

    record Running(String progress) implements Status {
    }

    record Failed(String reason) implements Status {
    }

    record Complete(Map<String, Object> manifest, Instant expires) implements Status {
    }

    /** A file to stream and its size in resources. */
    record Download(Path path, ExportFile file) {
    }

    private final ExportJobs jobs;
    private final ExportStorage storage;
    private final SmartContext context;
    private final FhirAudit audit;
    private final PublicUrls urls;

    ExportResults(ExportJobs jobs, ExportStorage storage, SmartContext context, FhirAudit audit, PublicUrls urls) {
        this.jobs = jobs;
        this.storage = storage;
        this.context = context;
        this.audit = audit;
        this.urls = urls;
    }

    static String statusUrl(PublicUrls urls, UUID id) {
        return urls.fhirBase() + "/$export-status/" + id;
    }

    Status status(String jobId) {
        ExportJob job = visibleJob(jobId);
        return switch (job.state()) {
            case ExportJob.ACCEPTED, ExportJob.IN_PROGRESS -> new Running(job.progress());
            case ExportJob.FAILED -> new Failed(job.error());
            default -> new Complete(manifest(job), job.expires());
        };
    }

    @Transactional
    Download download(String jobId, String name) {
        ExportJob job = visibleJob(jobId);
        ExportFile file = ExportFile.NAME.matcher(name).matches() && ExportJob.COMPLETED.equals(job.state())
                ? jobs.file(job.id(), name).orElse(null) : null;
        Path path = file == null ? null : storage.file(job.id(), file.name());
        if (path == null || !Files.isRegularFile(path)) {
            throw new FhirException(404, "not-found", "SG-FHIR-EXPORT-404", "export " + jobId + " has no file " + name);
        }
        audit.record(AuditEventType.BULK_EXPORT_DOWNLOAD, AuditOutcome.SUCCESS, "export-download", List.of(), file.patients(),
                "$export-file/" + job.id() + "/" + file.name(), null, Map.of(file.type(), file.resources()));
        return new Download(path, file);
    }

    /** Cancels a queued or running job, or deletes a finished one; its files go now or, if running, when the worker notices. */
    @Transactional
    void cancel(String jobId) {
        ExportJob job = visibleJob(jobId);
        jobs.cancel(job.id());
        if (!ExportJob.IN_PROGRESS.equals(job.state())) {
            storage.delete(job.id());
        }
        audit.record(AuditEventType.BULK_EXPORT_CANCEL, AuditOutcome.SUCCESS, "export-cancel", List.of(), List.of(),
                "$export-status/" + job.id());
    }

    private ExportJob visibleJob(String jobId) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw notFound(jobId);
        }
        return jobs.find(id)
                .filter(job -> job.belongsTo(context.token()))
                .filter(job -> !ExportJob.CANCELLED.equals(job.state()))
                .filter(job -> job.expires() == null || job.expires().isAfter(Instant.now()))
                .orElseThrow(() -> notFound(jobId));
    }

    private static FhirException notFound(String jobId) {
        return new FhirException(404, "not-found", "SG-FHIR-EXPORT-404", "there is no export " + jobId + " for this client");
    }

    /** The Bulk Data manifest: absolute file URLs under the public FHIR base, so they pass the gateway. */
    private Map<String, Object> manifest(ExportJob job) {
        List<Map<String, Object>> output = new ArrayList<>();
        List<Map<String, Object>> error = new ArrayList<>();
        List<Map<String, Object>> deleted = new ArrayList<>();
        for (ExportFile file : jobs.files(job.id())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", file.type());
            entry.put("url", urls.fhirBase() + "/$export-file/" + job.id() + "/" + file.name());
            entry.put("count", file.resources());
            (ExportFile.ERROR.equals(file.kind()) ? error : ExportFile.DELETED.equals(file.kind()) ? deleted : output).add(entry);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("transactionTime", job.transactionTime().toString());
        manifest.put("request", job.request());
        manifest.put("requiresAccessToken", true);
        manifest.put("output", output);
        manifest.put("error", error);
        // resources deleted after _since (empty without _since, as the IG allows)
        manifest.put("deleted", deleted);
        return manifest;
    }
}
