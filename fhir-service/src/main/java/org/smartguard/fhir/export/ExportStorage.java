package org.smartguard.fhir.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The export directory: one folder per job, named by its id, holding its NDJSON files. Paths are built only from a
 * job id and a file name the job's own rows hold, never from request text.
 */
@ApplicationScoped
class ExportStorage {

    private final Path root;

    ExportStorage(ExportConfig config) {
        this.root = config.directory().toAbsolutePath().normalize();
    }

    Path file(UUID job, String name) {
        return root.resolve(job.toString()).resolve(name);
    }

    /** A new, empty file of the job (its folder is created when missing). */
    BufferedWriter create(UUID job, String name) throws IOException {
        Path file = file(job, name);
        Files.createDirectories(file.getParent());
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** Removes the job's folder and everything in it; nothing when it does not exist. */
    void delete(UUID job) {
        Path folder = root.resolve(job.toString());
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the files of export " + job, e);
        }
    }
}
