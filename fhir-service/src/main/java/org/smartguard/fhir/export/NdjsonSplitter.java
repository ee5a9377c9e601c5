package org.smartguard.fhir.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Writes one type's resources as NDJSON (the stored JSON is compact, one line each), starting a new file every
 * {@code maxPerFile} resources, and reports each finished file with its count and the patients it concerns. Holds
 * one line and one file's patient ids at a time.
 */
final class NdjsonSplitter {

    private final ExportStorage storage;
    private final UUID job;
    private final String type;
    private final String kind;
    private final int maxPerFile;
    private final Consumer<ExportFile> finished;
    private BufferedWriter writer;
    private String name;
    private int sequence;
    private long inFile;
    private final Set<String> patients = new LinkedHashSet<>();

    NdjsonSplitter(ExportStorage storage, UUID job, String type, String kind, int maxPerFile, Consumer<ExportFile> finished) {
        this.storage = storage;
        this.job = job;
        this.type = type;
        this.kind = kind;
        this.maxPerFile = maxPerFile;
        this.finished = finished;
    }

    void write(String json, List<String> compartments) throws IOException {
        if (writer == null) {
            name = ExportFile.name(kind, type, ++sequence);
            writer = storage.create(job, name);
        }
        writer.write(json);
        writer.write('\n');
        patients.addAll(compartments);
        if (++inFile == maxPerFile) {
            finishFile();
        }
    }

    private void finishFile() throws IOException {
        writer.close();
        finished.accept(new ExportFile(name, kind, type, inFile, new ArrayList<>(patients)));
        writer = null;
        inFile = 0;
        patients.clear();
    }

    /** Finishes the last file, if one is open; a type without resources leaves no file. */
    void finish() throws IOException {
        if (writer != null) {
            finishFile();
        }
    }

    /** Closes an open file without reporting it: the run stopped, and its files are about to be removed. */
    void abandon() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // the file is deleted with the job's folder
            }
            writer = null;
        }
    }
}
