package org.smartguard.fhir.export;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.fhir.export.*}: Bulk Data {@code $export} (each setting documented in application.properties). */
@ConfigMapping(prefix = "smartguard.fhir.export")
public interface ExportConfig {

    /** Where the NDJSON files are written; every replica must see the same directory (a shared volume). */
    @WithDefault("exports")
    Path directory();

    /** Resources per NDJSON file; a type with more is split into several files. */
    @WithDefault("50000")
    int maxFileResources();

    /** Jobs this replica runs at once; further jobs wait in the queue (state accepted). */
    @WithDefault("2")
    int concurrency();

    /** Jobs a client may have queued or running; one more kick-off is 429. */
    @WithDefault("2")
    int maxJobsPerClient();

    /** How long a finished job's files and manifest stay available. */
    @WithDefault("24h")
    Duration retention();

    /** How often a replica looks for queued jobs, expired jobs and jobs whose replica stopped. */
    @WithDefault("2s")
    Duration pollInterval();

    /** A running job whose replica has not reported for this long is taken over by another (or the restarted) one. */
    @WithDefault("60s")
    Duration lease();

    /** The Retry-After a status poll of a running job answers with. */
    @WithDefault("2s")
    Duration retryAfter();

    /** Rows per fetch of the server-side cursor: what an export holds in memory at once. */
    @WithDefault("500")
    int fetchSize();

    /** Whether user/ tokens may export too (their user's reach); system/ tokens always may. */
    @WithDefault("false")
    boolean allowUserTokens();
}
