package org.smartguard.audit.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smartguard.audit.support.RuleEvents.failedLogin;
import static org.smartguard.audit.support.RuleEvents.gatewayAnswer;
import static org.smartguard.audit.support.RuleEvents.practitionerRead;
import static org.smartguard.audit.support.RuleEvents.search;
import static org.smartguard.audit.support.RuleEvents.times;
import static org.smartguard.audit.support.RuleEvents.userRead;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.kstream.Windowed;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.alerts.SecurityAlert;
import org.smartguard.audit.support.AlertsTopic;
import org.smartguard.audit.support.RuleEvents;
import org.smartguard.audit.support.TestKafka;
import org.smartguard.commons.audit.EncodedAuditEvent;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Every rule against the running topology on the real broker: a test that fires it and one just under its
 * threshold. Time is driven by the events' recorded timestamps. A quiet subject is checked after its events were
 * counted (read from the rule's state store) and after a twin subject that does fire, sent later, raised its alert:
 * the quiet subject's alert, had there been one, would have been committed before it.
 */
@QuarkusTest
class AnomalyRulesTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Inject
    RulesConfig rules;

    @Inject
    AuditServiceConfig service;

    @Inject
    KafkaStreams streams;

    @Inject
    DataSource owner;

    private TestKafka kafka;
    private AlertsTopic alerts;

    @BeforeEach
    void connect() {
        kafka = new TestKafka();
        alerts = new AlertsTopic(kafka.bootstrap(), rules.alertsTopic());
    }

    @AfterEach
    void disconnect() {
        alerts.close();
        kafka.close();
    }

    // 1. bulk read

    @Test
    void oneResponseOfMoreThanTenThousandResourcesRaisesABulkResponseAlert() throws Exception {
        String user = unique("bulk");
        send(List.of(search(user, 10_001, Instant.now())));

        SecurityAlert alert = awaitOne("bulk-response", "user:" + user);
        assertEquals("high", alert.severity());
        assertEquals(10_001, alert.count());
        assertEquals(10_000, alert.threshold());
        assertStoredOpen(alert);
    }

    @Test
    void aResponseOfExactlyTenThousandResourcesStaysQuiet() throws Exception {
        String user = unique("bulk");
        send(List.of(search(user, 10_000, Instant.now())));

        quiet("bulk-response", "user:" + user, () -> awaitOne("bulk-response", "user:" + twin(user, u -> search(u, 10_001, Instant.now()))));
    }

    @Test
    void oneUserReceivingMoreThanTheThresholdInTheWindowRaisesABulkUserAlert() throws Exception {
        String user = unique("bulk-user");
        Instant now = Instant.now();
        send(List.of(search(user, 60, now), search(user, 41, now.plusSeconds(30))));

        SecurityAlert alert = awaitOne("bulk-user", "user:" + user);
        assertEquals(101, alert.count());
        assertEquals(2, alert.evidence().size());
    }

    @Test
    void oneUserReceivingExactlyTheThresholdStaysQuiet() throws Exception {
        String user = unique("bulk-user");
        Instant now = Instant.now();
        send(List.of(search(user, 60, now), search(user, 40, now.plusSeconds(30))));
        awaitWindowSum("bulk-user", "user:" + user, 100);

        quiet("bulk-user", "user:" + user, () -> awaitOne("bulk-user", "user:" + twin(user, u -> search(u, 101, now))));
    }

    // 2. snooping

    @Test
    void aPractitionerTouchingMoreThanTheThresholdOfDistinctPatientsRaisesASnoopingAlert() throws Exception {
        String user = unique("snoop");
        Instant now = Instant.now();
        send(times(6, i -> practitionerRead(user, user + "-pat-" + i, now.plusSeconds(i))));

        SecurityAlert alert = awaitOne("snooping", "user:" + user);
        assertEquals("high", alert.severity());
        assertEquals(6, alert.count());
        assertEquals(6, alert.evidence().size());
        assertStoredOpen(alert);
    }

    @Test
    void aPractitionerReadingOneRecordManyTimesOrFiveDistinctPatientsStaysQuiet() throws Exception {
        String user = unique("snoop");
        Instant now = Instant.now();
        List<EncodedAuditEvent> events = new ArrayList<>(times(5, i -> practitionerRead(user, user + "-pat-" + i, now.plusSeconds(i))));
        events.addAll(times(10, i -> practitionerRead(user, user + "-pat-0", now.plusSeconds(10 + i))));
        send(events);
        awaitWindowSum("snooping", "user:" + user, 15);

        quiet("snooping", "user:" + user, () -> awaitOne("snooping", "user:"
                + twinAll(user, u -> times(6, i -> practitionerRead(u, u + "-pat-" + i, now.plusSeconds(i))))));
    }

    @Test
    void manyReadsOverTheThresholdRaiseOneAlertForTheIncident() throws Exception {
        String user = unique("snoop-burst");
        Instant now = Instant.now();
        send(times(40, i -> practitionerRead(user, user + "-pat-" + i, now.plusSeconds(i))));
        awaitOne("snooping", "user:" + user);
        awaitWindowSum("snooping", "user:" + user, 40);

        // a later incident of another subject committed: any second alert of this one would have been read by now
        awaitOne("snooping", "user:" + twinAll(user, u -> times(6, i -> practitionerRead(u, u + "-pat-" + i, now))));
        alerts.readToEnd();
        assertEquals(1, alerts.about("snooping", "user:" + user).size());
    }

    // 3. brute force

    @Test
    void failedLoginsOverTheThresholdForOneUsernameRaiseABruteForceAlert() throws Exception {
        String user = unique("victim");
        Instant now = Instant.now();
        // six addresses, one attempt each: only the username crosses the line
        send(times(6, i -> failedLogin(user, "192.0.2." + (i + 1), now.plusSeconds(i))));

        SecurityAlert alert = awaitOne("brute-force", "user:" + user);
        assertEquals("medium", alert.severity());
        assertEquals(6, alert.count());
        assertStoredOpen(alert);
    }

    @Test
    void unauthorizedAnswersOverTheThresholdForOneAddressRaiseABruteForceAlert() throws Exception {
        String address = uniqueAddress();
        Instant now = Instant.now();
        send(times(6, i -> gatewayAnswer(401, null, address, null, now.plusSeconds(i))));

        assertEquals(6, awaitOne("brute-force", "ip:" + address).count());
    }

    @Test
    void failedLoginsAtTheThresholdStayQuiet() throws Exception {
        String user = unique("victim");
        Instant now = Instant.now();
        send(times(5, i -> failedLogin(user, "192.0.2." + (i + 1), now.plusSeconds(i))));
        awaitWindowSum("brute-force", "user:" + user, 5);

        quiet("brute-force", "user:" + user, () -> awaitOne("brute-force", "user:"
                + twinAll(user, u -> times(6, i -> failedLogin(u, "192.0.2." + (i + 1), now)))));
    }

    // 4. scope probing

    @Test
    void forbiddenAnswersOverTheThresholdForOneClientRaiseAScopeProbingAlert() throws Exception {
        String client = unique("prober");
        Instant now = Instant.now();
        send(times(6, i -> gatewayAnswer(403, client, "198.51.100.7", "pat-" + i, now.plusSeconds(i))));

        SecurityAlert alert = awaitOne("scope-probing", "client:" + client);
        assertEquals(6, alert.count());
        assertStoredOpen(alert);
    }

    @Test
    void forbiddenAnswersAtTheThresholdStayQuiet() throws Exception {
        String client = unique("prober");
        Instant now = Instant.now();
        send(times(5, i -> gatewayAnswer(403, client, "198.51.100.7", "pat-" + i, now.plusSeconds(i))));
        awaitWindowSum("scope-probing", "client:" + client, 5);

        quiet("scope-probing", "client:" + client, () -> awaitOne("scope-probing", "client:"
                + twinAll(client, c -> times(6, i -> gatewayAnswer(403, c, "198.51.100.7", "pat-" + i, now)))));
    }

    // 5. rate-limit hammering

    @Test
    void tooManyRequestsOverTheThresholdForOnePatientRaiseARateLimitAlert() throws Exception {
        String patient = unique("hammered");
        Instant now = Instant.now();
        send(times(6, i -> gatewayAnswer(429, "app-" + i, "203.0.113.9", patient, now.plusSeconds(i))));

        SecurityAlert alert = awaitOne("rate-limit-hammering", "patient:" + patient);
        assertEquals("low", alert.severity());
        assertEquals(6, alert.count());
    }

    @Test
    void tooManyRequestsAtTheThresholdStayQuiet() throws Exception {
        String patient = unique("hammered");
        Instant now = Instant.now();
        send(times(5, i -> gatewayAnswer(429, "app", "203.0.113.9", patient, now.plusSeconds(i))));
        awaitWindowSum("rate-limit-hammering", "patient:" + patient, 5);

        quiet("rate-limit-hammering", "patient:" + patient, () -> awaitOne("rate-limit-hammering", "patient:"
                + twinAll(patient, p -> times(6, i -> gatewayAnswer(429, "app", "203.0.113.9", p, now)))));
    }

    // 6. token replay

    @Test
    void aReusedRefreshTokenRaisesAHighAlertAtOnce() throws Exception {
        String client = unique("leaky-app");
        send(List.of(RuleEvents.refreshTokenReuse(client, Instant.now())));

        SecurityAlert alert = awaitOne("token-replay", "client:" + client);
        assertEquals("high", alert.severity());
        assertEquals(1, alert.count());
        assertStoredOpen(alert);
    }

    @Test
    void aReplayedAuthorizationCodeRaisesAHighAlertAtOnce() throws Exception {
        String client = unique("leaky-app");
        send(List.of(RuleEvents.codeReplay(client, Instant.now())));

        assertEquals("high", awaitOne("token-replay", "client:" + client).severity());
    }

    @Test
    void anOrdinaryRefreshStaysQuiet() throws Exception {
        String client = unique("good-app");
        send(List.of(RuleEvents.tokenRefreshed(client, Instant.now())));

        quiet("token-replay", "client:" + client, () -> awaitOne("token-replay", "client:"
                + twin(client, c -> RuleEvents.refreshTokenReuse(c, Instant.now()))));
    }

    // 7. off-hours

    @Test
    void aReadAtThreeInTheMorningRaisesAnOffHoursAlert() throws Exception {
        String user = unique("night-owl");
        send(List.of(userRead(user, lastTimeOfDay(3, 30))));

        SecurityAlert alert = awaitOne("off-hours", "user:" + user);
        assertEquals("medium", alert.severity());
        assertStoredOpen(alert);
    }

    @Test
    void aReadAtTheLastMinuteOfWorkingHoursStaysQuiet() throws Exception {
        String user = unique("day-worker");
        send(List.of(userRead(user, lastTimeOfDay(17, 59))));

        quiet("off-hours", "user:" + user, () -> awaitOne("off-hours", "user:"
                + twin(user, u -> userRead(u, lastTimeOfDay(18, 0)))));
    }

    // 8. unusual volume

    @Test
    void anHourFarAboveTheUsersOwnBaselineRaisesAnUnusualVolumeAlert() throws Exception {
        String user = unique("steady");
        send(history(user, 13));

        SecurityAlert alert = awaitOne("unusual-volume", "user:" + user);
        assertEquals(13, alert.count());
        // baseline 5,6,5,6: mean 5.5, deviation at least sqrt(5.5); 5.5 + 3 * 2.35 = 12.5
        assertEquals(12, alert.threshold());
        assertStoredOpen(alert);
    }

    @Test
    void anHourJustUnderTheBaselineThresholdStaysQuiet() throws Exception {
        String user = unique("steady");
        send(history(user, 12));
        await().atMost(DEADLINE).until(() -> newestBucket("user:" + user) == 12);

        quiet("unusual-volume", "user:" + user, () -> awaitOne("unusual-volume", "user:" + twinAll(user, u -> history(u, 13))));
    }

    /** Four quiet hours (5, 6, 5, 6 events) then an hour of {@code last} events, in order, keyed by the user. */
    private static List<EncodedAuditEvent> history(String user, int last) {
        Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(6));
        int[] perHour = { 5, 6, 5, 6, last };
        List<EncodedAuditEvent> events = new ArrayList<>();
        for (int hour = 0; hour < perHour.length; hour++) {
            for (int i = 0; i < perHour[hour]; i++) {
                events.add(userRead(user, first.plus(Duration.ofHours(hour)).plusSeconds(i * 60L)));
            }
        }
        return events;
    }

    // helpers

    private void send(List<EncodedAuditEvent> events) throws Exception {
        kafka.sendAll(service.topic(), events);
    }

    private SecurityAlert awaitOne(String rule, String subject) {
        List<SecurityAlert> found = await().atMost(DEADLINE).until(() -> alerts.about(rule, subject), list -> !list.isEmpty());
        SecurityAlert alert = found.get(0);
        assertEquals(rule, alert.rule());
        assertTrue(!alert.evidence().isEmpty() && alert.evidence().size() <= rules.evidenceLimit());
        assertTrue(Instant.parse(alert.windowStart()).compareTo(Instant.parse(alert.windowEnd())) <= 0);
        UUID.fromString(alert.alertId());
        return alert;
    }

    /** After {@code laterAlert} (a twin that fires, sent afterwards) arrived, no alert of the rule names the subject. */
    private void quiet(String rule, String subject, Supplier<SecurityAlert> laterAlert) {
        laterAlert.get();
        alerts.readToEnd();
        assertEquals(List.of(), alerts.about(rule, subject));
    }

    private String twin(String subject, java.util.function.Function<String, EncodedAuditEvent> event) {
        return twinAll(subject, s -> List.of(event.apply(s)));
    }

    private String twinAll(String subject, java.util.function.Function<String, List<EncodedAuditEvent>> events) {
        String twin = subject + "-twin";
        try {
            send(events.apply(twin));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return twin;
    }

    /** Waits until some window of the rule has counted {@code sum} for the subject: every event was processed. */
    private void awaitWindowSum(String rule, String subject, long sum) {
        String key = Rule.valueOf(rule.toUpperCase().replace('-', '_')).keyOf(subject);
        await().atMost(DEADLINE).ignoreExceptions().until(() -> {
            ReadOnlyWindowStore<String, Tally> store = streams.store(StoreQueryParameters.fromNameAndType(rule + "-windows",
                    QueryableStoreTypes.windowStore()));
            long max = 0;
            try (KeyValueIterator<Windowed<String>, Tally> windows = store.fetch(key, key, Instant.now().minus(Duration.ofDays(1)),
                    Instant.now().plus(Duration.ofDays(1)))) {
                while (windows.hasNext()) {
                    max = Math.max(max, windows.next().value.sum());
                }
            }
            return max == sum;
        });
    }

    private long newestBucket(String subject) {
        try {
            ReadOnlyKeyValueStore<String, VolumeBaseline.History> store = streams.store(StoreQueryParameters.fromNameAndType(
                    VolumeBaseline.STORE, QueryableStoreTypes.keyValueStore()));
            VolumeBaseline.History history = store.get(Rule.UNUSUAL_VOLUME.keyOf(subject));
            return history == null ? -1 : history.counts().lastEntry().getValue();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void assertStoredOpen(SecurityAlert alert) {
        await().atMost(DEADLINE).until(() -> "open".equals(storedStatus(alert.alertId())));
    }

    private String storedStatus(String alertId) throws Exception {
        try (Connection connection = owner.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT status, rule, subject, event_count FROM audit_log.security_alert WHERE alert_id = ?")) {
            query.setObject(1, UUID.fromString(alertId));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** The latest instant before now at this UTC time of day. */
    private static Instant lastTimeOfDay(int hour, int minute) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime at = now.withHour(hour).withMinute(minute).withSecond(0).withNano(0);
        return (at.isAfter(now) ? at.minusDays(1) : at).toInstant();
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    private static String uniqueAddress() {
        UUID id = UUID.randomUUID();
        return "10." + Math.floorMod(id.getMostSignificantBits(), 250) + "." + Math.floorMod(id.getLeastSignificantBits(), 250)
                + "." + Math.floorMod(id.hashCode(), 250);
    }
}
