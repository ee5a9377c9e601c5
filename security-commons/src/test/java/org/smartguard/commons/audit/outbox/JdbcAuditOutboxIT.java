package org.smartguard.commons.audit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smartguard.commons.audit.EncodedAuditEvent;

/** The JDBC outbox's group commit and its upkeep, against a real PostgreSQL. */
class JdbcAuditOutboxIT {

    private final DataSource postgres = AuditTestInfrastructure.postgres();
    private final String table = AuditTestInfrastructure.uniqueName("outbox_");
    private final AtomicInteger inserts = new AtomicInteger();
    private final List<Thread> inserters = new CopyOnWriteArrayList<>();

    @AfterEach
    void dropTable() {
        AuditTestInfrastructure.execute(postgres, "DROP TABLE IF EXISTS " + table);
    }

    @Test
    void concurrentAppendsAreEachCommittedWhenAppendReturnsInFewerInserts() throws Exception {
        int threads = 32;
        int perThread = 25;
        try (JdbcAuditOutbox outbox = new JdbcAuditOutbox(countingInserts(postgres), table)) {
            List<Callable<Void>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                callers.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        EncodedAuditEvent event = event("patient-" + i);
                        outbox.append(List.of(event));
                        // committed means visible to any other session at once
                        assertTrue(stored(event.eventId()), "event " + event.eventId() + " committed before append returned");
                    }
                    return null;
                });
            }
            runAll(callers);
            assertEquals(threads * perThread, outbox.pendingCount());
        }
        // each insert batch commits on its own (auto-commit): fewer batches than appends is fewer commits
        assertTrue(inserts.get() < threads * perThread, "appends share inserts (" + inserts.get() + " insert batches)");
    }

    @Test
    void anAppendAloneIsWrittenByItsCallerAndCommittedWhenItReturns() throws Exception {
        try (JdbcAuditOutbox outbox = new JdbcAuditOutbox(countingInserts(postgres), table)) {
            EncodedAuditEvent event = event("patient-1");
            outbox.append(List.of(event));
            assertTrue(stored(event.eventId()));
            // no hand-off to another thread and back: that cost two thread wake-ups per read
            assertEquals(List.of(Thread.currentThread()), inserters);
        }
    }

    @Test
    void anEventTheTableRefusesFailsOnlyItsOwnCaller() throws Exception {
        try (JdbcAuditOutbox outbox = new JdbcAuditOutbox(postgres, table)) {
            EncodedAuditEvent refused = new EncodedAuditEvent(UUID.randomUUID().toString(), "k".repeat(2000), "{}");
            List<EncodedAuditEvent> good = new ArrayList<>();
            List<Callable<Void>> callers = new ArrayList<>();
            callers.add(() -> {
                IllegalStateException error = assertThrows(IllegalStateException.class, () -> outbox.append(List.of(refused)));
                assertTrue(error.getMessage().startsWith("audit outbox write failed"), error.getMessage());
                return null;
            });
            for (int t = 0; t < 16; t++) {
                EncodedAuditEvent event = event("patient-" + t);
                good.add(event);
                callers.add(() -> {
                    outbox.append(List.of(event));
                    return null;
                });
            }
            runAll(callers);
            for (EncodedAuditEvent event : good) {
                assertTrue(stored(event.eventId()));
            }
            assertEquals(good.size(), outbox.pendingCount());
        }
    }

    @Test
    void anAppendAfterCloseFails() {
        JdbcAuditOutbox outbox = new JdbcAuditOutbox(postgres, table);
        outbox.close();
        assertThrows(IllegalStateException.class, () -> outbox.append(List.of(event("p"))));
    }

    @Test
    void theRelayVacuumsTheTableAsItDeletes() throws Exception {
        try (JdbcAuditOutbox outbox = new JdbcAuditOutbox(postgres, table)) {
            List<EncodedAuditEvent> events = new ArrayList<>();
            for (int i = 0; i < JdbcAuditOutbox.VACUUM_EVERY; i++) {
                events.add(event("patient-" + i % 50));
            }
            outbox.append(events);
            int relayed = 0;
            while (relayed < events.size()) {
                relayed += outbox.drain(2000, batch -> { });
            }
            assertEquals(0, outbox.pendingCount());
            Awaitility.await("the table vacuumed").atMost(Duration.ofSeconds(10)).until(() -> vacuumCount() > 0);
        }
    }

    private static EncodedAuditEvent event(String patient) {
        String id = UUID.randomUUID().toString();
        return new EncodedAuditEvent(id, patient, "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\"}");
    }

    private static void runAll(List<Callable<Void>> callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers.size());
        try {
            for (Future<Void> done : pool.invokeAll(callers)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean stored(String eventId) throws SQLException {
        try (Connection connection = postgres.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    private long vacuumCount() throws SQLException {
        try (Connection connection = postgres.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = ?")) {
            select.setString(1, table);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        }
    }

    /** The same data source, counting the insert statements prepared on its connections. */
    private DataSource countingInserts(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                if (m.getName().equals("prepareStatement") && ((String) a[0]).startsWith("INSERT")) {
                    inserts.incrementAndGet();
                    inserters.add(Thread.currentThread());
                }
                return invoke(connection, m, a);
            });
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
