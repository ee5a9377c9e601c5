package org.smartguard.audit.alerts;

import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.smartguard.audit.AuditServiceConfig;
import org.smartguard.audit.rules.RulesConfig;
import org.smartguard.audit.store.StoreWiring;
import org.smartguard.commons.audit.wiring.AuditPublisherProducer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Runs the consumer that stores alerts, after the ingest lifecycle created the schema (a later startup priority). */
@ApplicationScoped
public class AlertLifecycle {

    private final RulesConfig rules;
    private final AuditServiceConfig service;
    private final AlertStore store;
    private final ObjectMapper json;
    private final Map<String, Object> kafkaSettings;
    private AlertStoreConsumer consumer;

    AlertLifecycle(RulesConfig rules, AuditServiceConfig service, @io.quarkus.agroal.DataSource(StoreWiring.WRITER_DATASOURCE) DataSource writer,
            ObjectMapper json, Config config) {
        this.rules = rules;
        this.service = service;
        this.store = new AlertStore(writer);
        this.json = json;
        this.kafkaSettings = AuditPublisherProducer.kafkaSettings(config);
    }

    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent startup) {
        Map<String, Object> settings = new HashMap<>(kafkaSettings);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, rules.alertsConsumerGroup());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "alert-store-" + rules.alertsConsumerGroup());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the rules publish in Kafka transactions: an alert of an aborted attempt is never stored
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new AlertStoreConsumer(new KafkaConsumer<>(settings), rules.alertsTopic(), store, json,
                service.pollTimeout(), service.retryBackoff()).start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (consumer != null) {
            consumer.close();
        }
    }
}
