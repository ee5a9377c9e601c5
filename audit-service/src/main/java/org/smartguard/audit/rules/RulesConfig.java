package org.smartguard.audit.rules;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code smartguard.audit-rules.*}: the anomaly rules' thresholds and windows, and where alerts go. Every key is
 * overridable by its environment variable, e.g. {@code SMARTGUARD_AUDIT_RULES_SNOOPING_THRESHOLD}.
 */
@ConfigMapping(prefix = "smartguard.audit-rules")
public interface RulesConfig {

    /** The topic alerts are published to (env SMARTGUARD_AUDIT_RULES_ALERTS_TOPIC). */
    @WithDefault("security-alerts")
    String alertsTopic();

    /** The consumer group that stores alerts in the database (env SMARTGUARD_AUDIT_RULES_ALERTS_CONSUMER_GROUP). */
    @WithDefault("audit-service-alerts")
    String alertsConsumerGroup();

    /** Ids of evidence events kept per alert; the count is exact, the list is capped. */
    @WithDefault("20")
    int evidenceLimit();

    /** Windows of M minutes start every M/hops: a burst straddling two windows is still seen whole, within M/hops. */
    @WithDefault("5")
    int hopsPerWindow();

    /** How late (by its recorded time) an event may arrive and still count in its window. */
    @WithDefault("10m")
    Duration grace();

    /** After an alert's window ends, the same rule and subject raise nothing new for this long (one incident, one alert). */
    @WithDefault("1h")
    Duration suppressFor();

    /** 1a: one response returned more than {@code threshold} resources. */
    BulkResponse bulkResponse();

    /** 1b: one user received more than {@code threshold} resources in {@code window}. */
    BulkUser bulkUser();

    /** 2: one practitioner touched more than {@code threshold} distinct patients in {@code window}. */
    Snooping snooping();

    /** 3: more than {@code threshold} failed logins or 401s for one username or one address in {@code window}. */
    BruteForce bruteForce();

    /** 4: more than {@code threshold} 403s for one client in {@code window}. */
    ScopeProbing scopeProbing();

    /** 5: more than {@code threshold} 429s for one patient key in {@code window}. */
    RateLimitHammering rateLimitHammering();

    /** 7: reading records outside working hours. */
    OffHours offHours();

    /** 8: a user's volume per bucket far above that user's own history. */
    UnusualVolume unusualVolume();

    interface WindowedRule {
        long threshold();

        Duration window();
    }

    interface BulkResponse {
        @WithDefault("10000")
        long threshold();
    }

    interface BulkUser extends WindowedRule {
        @Override
        @WithDefault("20000")
        long threshold();

        @Override
        @WithDefault("10m")
        Duration window();
    }

    interface Snooping extends WindowedRule {
        @Override
        @WithDefault("50")
        long threshold();

        @Override
        @WithDefault("10m")
        Duration window();
    }

    interface BruteForce extends WindowedRule {
        @Override
        @WithDefault("10")
        long threshold();

        @Override
        @WithDefault("5m")
        Duration window();
    }

    interface ScopeProbing extends WindowedRule {
        @Override
        @WithDefault("20")
        long threshold();

        @Override
        @WithDefault("5m")
        Duration window();
    }

    interface RateLimitHammering extends WindowedRule {
        @Override
        @WithDefault("50")
        long threshold();

        @Override
        @WithDefault("5m")
        Duration window();
    }

    interface OffHours {
        /** Working hours start (inclusive), local time in {@link #zone()}. */
        @WithDefault("07:00")
        LocalTime start();

        /** Working hours end (exclusive). */
        @WithDefault("19:00")
        LocalTime end();

        @WithDefault("UTC")
        ZoneId zone();

        /** Days with working hours; any read on another day is off-hours. */
        @WithDefault("MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY")
        Set<DayOfWeek> workingDays();
    }

    interface UnusualVolume {
        /** The volume is counted per bucket of this length. */
        @WithDefault("1h")
        Duration bucket();

        /** Buckets of history the baseline is computed from (168 hours = one week). */
        @WithDefault("168")
        int history();

        /** Active buckets of history needed before the rule may fire for a user. */
        @WithDefault("24")
        int minHistory();

        /** How many standard deviations above the user's mean a bucket must be. */
        @WithDefault("4.0")
        double zThreshold();

        /** A bucket below this many events never fires, however quiet the user was. */
        @WithDefault("50")
        long minCount();
    }
}
