package org.smartguard.gateway.audit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code smartguard.gateway.audit.*}: the gateway's audit events (one per request decision). */
@ConfigMapping(prefix = "smartguard.gateway.audit")
public interface GatewayAuditConfig {

    /** Events waiting for the spool at most; with less than a tenth free, new requests are refused (503). */
    @WithDefault("20000")
    int queueCapacity();

    /** Events written to the spool with one fsync at most. */
    @WithDefault("1000")
    int batchSize();

    /**
     * After writing a batch that was not full, how long the writer lets events gather before the next fsync: at a
     * moderate rate, one fsync (and one relay round to Kafka) per several requests instead of per request. Requests
     * never wait for it; it bounds how much later an event is durable.
     */
    @WithDefault("10ms")
    Duration commitDelay();

    /** The public prefix of FHIR requests, to name their interaction roughly. */
    @WithDefault("/fhir")
    String fhirPrefix();
}
