import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.postgresql.ds.PGSimpleDataSource;
import org.smartguard.audit.store.AuditEventStore;
import org.smartguard.audit.store.IncomingEvent;
import org.smartguard.audit.store.MonthlyPartitions;
import org.smartguard.audit.store.PartitionMaintenance;
import org.smartguard.commons.audit.AuditEventBuilder;
import org.smartguard.commons.audit.AuditEventCodec;
import org.smartguard.commons.audit.AuditEventType;
import org.smartguard.commons.audit.AuditOutcome;
import org.smartguard.commons.audit.EncodedAuditEvent;

/**
 * Fills an audit store for the search benchmark, through the store's own append path (as ingest does, so every
 * event is hash-chained and, where the store extracts search keys, keyed): {@code SearchLoad JDBC_URL EVENTS}.
 * Events span the last 90 days in storage order, over three chains and the monthly partitions that span needs;
 * seeded, so two runs store the same mix: 80% FHIR REST reads and searches (200 practitioners, 5,000 patients, one
 * of them, {@code p-hot}, in 7% of the reads), 10% logins, 5% tokens issued, 5% refusals (outcome 4).
 */
public class SearchLoad {

    private static final String ISSUER = "http://localhost:8080/auth";
    private static final AuditEventCodec CODEC = new AuditEventCodec();
    private static final int BATCH = 500;
    private static final int CHAINS = 3;

    public static void main(String[] args) throws Exception {
        String jdbc = args[0];
        int total = Integer.parseInt(args[1]);
        PGSimpleDataSource owner = dataSource(jdbc, "smartguard");
        PGSimpleDataSource writer = dataSource(jdbc, "audit_writer");
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = end.minus(Duration.ofDays(90));
        for (YearMonth month = YearMonth.from(start.atOffset(ZoneOffset.UTC)); !month.isAfter(YearMonth.from(end.atOffset(ZoneOffset.UTC)));
                month = month.plusMonths(1)) {
            new PartitionMaintenance(owner, new MonthlyPartitions(72, 0)).run(MonthlyPartitions.startOf(month));
        }
        Random random = new Random(42);
        long step = Duration.between(start, end).toMillis() / total;
        long began = System.nanoTime();
        long appending = 0;
        for (int from = 0; from < total; from += BATCH) {
            List<IncomingEvent> batch = new ArrayList<>(BATCH);
            Instant recorded = start;
            for (int i = from; i < Math.min(total, from + BATCH); i++) {
                recorded = start.plusMillis(i * step);
                EncodedAuditEvent event = CODEC.encode(event(random, recorded).buildOne());
                batch.add(new IncomingEvent(UUID.fromString(event.eventId()), recorded, event.json(), i));
            }
            // stored a second after the last event of the batch was recorded, as a consumer a little behind would
            long append = System.nanoTime();
            new AuditEventStore(writer, Clock.fixed(recorded.plusSeconds(1), ZoneId.of("UTC")))
                    .append("bench.audit-events", (from / BATCH) % CHAINS, batch);
            appending += System.nanoTime() - append;
        }
        System.err.printf("stored %d events in %.1f s, %.1f s of it in the store's appends (batches of %d)%n", total,
                (System.nanoTime() - began) / 1e9, appending / 1e9, BATCH);
    }

    private static AuditEventBuilder event(Random random, Instant at) {
        int user = random.nextInt(200);
        String practitioner = "pr-" + user;
        String address = "10.20." + (user / 100) + "." + (user % 100);
        double kind = random.nextDouble();
        if (kind < 0.80) {
            String patient = random.nextDouble() < 0.07 ? "p-hot" : "p-" + random.nextInt(5000);
            AuditEventType type = kind < 0.60 ? AuditEventType.REST_READ : AuditEventType.REST_SEARCH;
            return AuditEventBuilder.event(type, "fhir-service").recorded(at)
                    .user(ISSUER, practitioner + "-sub", "Practitioner/" + practitioner).client("ehr-app", address)
                    .tokenId("jti-" + random.nextInt(1_000_000)).server("http://localhost:8080/fhir").patient(patient)
                    .resource("Observation/" + patient + "-" + random.nextInt(20)).requestId("req-" + random.nextInt(1_000_000));
        }
        if (kind < 0.90) {
            return AuditEventBuilder.event(AuditEventType.LOGIN, "auth-service").recorded(at)
                    .user(ISSUER, practitioner + "-sub", "Practitioner/" + practitioner).client("ehr-app", address);
        }
        if (kind < 0.95) {
            return AuditEventBuilder.event(AuditEventType.TOKEN_ISSUED, "auth-service").recorded(at)
                    .client("backend-" + (user % 10), "10.40.0." + (user % 10)).tokenId("jti-" + random.nextInt(1_000_000));
        }
        return AuditEventBuilder.event(AuditEventType.ACCESS_DENIED, "gateway-service").recorded(at)
                .outcome(AuditOutcome.MINOR_FAILURE, "SG-GW-403").client("probe-" + (user % 20), address)
                .patient("p-" + random.nextInt(5000)).status(403);
    }

    private static PGSimpleDataSource dataSource(String url, String role) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(url);
        source.setUser(role);
        source.setPassword(role);
        return source;
    }
}
