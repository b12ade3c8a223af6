package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.Restarts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.format: mapped-json} on a real broker: a platform's own shipment records, mapped onto the envelope
 * by configuration. Each becomes one clean event with the mapped id, time, type and source and the rest of the record
 * as its payload; repeats are dropped; records the mapping does not fit are dead-lettered naming the field.
 */
class MappedJsonIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    private static String shipment(String id, long time, String warehouse) {
        return "{\"shipmentId\":\"" + id + "\",\"dispatchedAt\":" + time + ",\"meta\":{\"warehouse\":\"" + warehouse
                + "\"},\"carrier\":\"dhl\"}";
    }

    @Test
    void mappedRecordsBecomeCleanEventsOnceAndTheRestIsDeadLettered(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Map<String, String> m = IngestRuns.baseConfig("mapped");
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("source.format", "mapped-json");
        m.put("source.mapping.id", "shipmentId");
        m.put("source.mapping.time", "dispatchedAt");
        m.put("source.mapping.type-constant", "shipment.dispatched");
        m.put("source.mapping.source", "/meta/warehouse");
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("lake.enabled", "false");
        m.put("sink.dlq.archive-path", tmp.resolve("dead-letters").toUri().toString());
        m.put("restart.attempts", "1");
        IngestConfig config = IngestConfig.from(Settings.of(m));
        KAFKA.createTopics(3, config.inputTopic(), config.cleanTopic(), config.dlqTopic());

        long time = System.currentTimeMillis() - 30_000;
        String topic = config.inputTopic();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, String> sources = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            String id = "sh-" + i;
            String warehouse = "wh-" + (i % 3);
            records.add(new ProducerRecord<>(
                    topic,
                    id.getBytes(StandardCharsets.UTF_8),
                    shipment(id, time, warehouse).getBytes(StandardCharsets.UTF_8)));
            sources.put(id, warehouse);
        }
        for (int i = 0; i < 50; i++) {
            records.add(new ProducerRecord<>(
                    topic, null, shipment("sh-" + i, time, "wh-" + (i % 3)).getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 20; i++) {
            records.add(new ProducerRecord<>(
                    topic, null, ("{\"dispatchedAt\":" + time + ",\"meta\":{}}").getBytes(StandardCharsets.UTF_8)));
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    ("{\"shipmentId\":\"x-" + i + "\",\"dispatchedAt\":" + "\"soon\",\"meta\":{\"warehouse\":\"w\"}}")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        Map<Reason, Long> dead = new TreeMap<>(Map.of(Reason.MISSING_FIELD, 20L, Reason.INVALID_FIELD, 20L));
        KAFKA.produce(topic, records);

        JobClient job = IngestRuns.start(config);
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> IngestRuns.cleanEvents(KAFKA, config).size() >= sources.size()
                            && KAFKA.readCommitted(config.dlqTopic()).size() >= 40);
            Checkpoints.await(cluster, job.getJobID(), 2);
            List<Event> events = IngestRuns.cleanEvents(KAFKA, config);
            assertThat(events).hasSize(sources.size());
            Map<String, String> seen = new HashMap<>();
            for (Event e : events) {
                seen.put(e.getId(), e.getSource());
                assertThat(e.getType()).isEqualTo("shipment.dispatched");
                assertThat(e.getTime().toEpochMilli()).isEqualTo(time);
                assertThat(e.getPayload())
                        .isEqualTo("{\"meta\":{\"warehouse\":\"" + e.getSource() + "\"}," + "\"carrier\":\"dhl\"}");
            }
            assertThat(seen).isEqualTo(sources);
            assertThat(IngestRuns.deadLetterReasons(KAFKA, config)).isEqualTo(dead);
            assertThat(Restarts.of(cluster, job.getJobID())).as("restarts").isZero();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
