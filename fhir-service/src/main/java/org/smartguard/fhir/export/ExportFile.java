package org.smartguard.fhir.export;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One NDJSON file of a job ({@code export_file}).
 *
 * @param kind      {@link #OUTPUT} (resources of one type), {@link #ERROR} (OperationOutcomes) or {@link #DELETED}
 *                  (transaction Bundles of DELETE entries, for a {@code _since} export)
 * @param patients  the patients whose compartments its resources belong to: one audit event each when it is served
 */
record ExportFile(String name, String kind, String type, long resources, List<String> patients) {

    static final String OUTPUT = "output";
    static final String ERROR = "error";
    static final String DELETED = "deleted";
    /** What a file name looks like; a requested name is looked up in the job's files, never used as a path before. */
    static final Pattern NAME = Pattern.compile("[A-Za-z]+-[0-9]{1,6}\\.ndjson");

    /** Deleted files hold Bundles but are named apart from an export of the Bundle type. */
    static String name(String kind, String type, int sequence) {
        return (DELETED.equals(kind) ? "Deleted" : type) + "-" + sequence + ".ndjson";
    }
}
