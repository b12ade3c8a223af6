package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.Restarts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.format: cloudevents} on a real broker: CloudEvents in binary and structured mode, repeats across the
 * two modes, and records that are no CloudEvent eventpipe can hold. The clean topic and the lake hold each event
 * once, the dead-letter topic each bad record with its reason and its headers, and the job never restarts.
 */
class CloudEventsIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String order(int i) {
        return "{\"orderId\":\"o" + i + "\",\"customerId\":\"c1\",\"amount\":12.5,\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"a\",\"quantity\":1}]}";
    }

    private static RecordHeaders binaryHeaders(String id, String time, String contentType) {
        RecordHeaders h = new RecordHeaders();
        h.add("ce_specversion", utf8("1.0"));
        h.add("ce_id", utf8(id));
        h.add("ce_source", utf8("/shop/checkout"));
        h.add("ce_type", utf8("order.created"));
        if (time != null) {
            h.add("ce_time", utf8(time));
        }
        h.add("content-type", utf8(contentType));
        return h;
    }

    private static RecordHeaders structuredHeaders() {
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", utf8("application/cloudevents+json; charset=UTF-8"));
        return h;
    }

    private static String structured(String id, String time, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/shop/web\",\"type\":\"order.created\","
                + "\"time\":\"" + time + "\"," + data + "}";
    }

    @Test
    void bothModesBecomeCleanEventsOnceAndTheRestIsDeadLettered(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Map<String, String> m = IngestRuns.baseConfig("ce");
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("source.format", "cloudevents");
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("lake.path", tmp.resolve("lake").toUri().toString());
        m.put("restart.attempts", "1");
        IngestConfig config = IngestConfig.from(Settings.of(m));
        assertThat(config.validation().format()).isEqualTo(EventFormat.CLOUDEVENTS);
        KAFKA.createTopics(3, config.inputTopic(), config.cleanTopic(), config.dlqTopic());

        String time = Instant.now().minusSeconds(30).toString();
        String topic = config.inputTopic();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<String> clean = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("b-" + i),
                    utf8(order(i)),
                    binaryHeaders("b-" + i, time, "application/json")));
            clean.add("b-" + i);
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("s-" + i),
                    utf8(structured("s-" + i, time, "\"datacontenttype\":\"application/json\",\"data\":" + order(i))),
                    structuredHeaders()));
            clean.add("s-" + i);
        }
        // the same events again, in the other mode: repeats by id
        for (int i = 0; i < 50; i++) {
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("b-" + i),
                    utf8(structured("b-" + i, time, "\"data\":" + order(i))),
                    structuredHeaders()));
        }
        Map<Reason, Long> dead = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("x-" + i),
                    utf8("<order/>"),
                    binaryHeaders("x-" + i, time, "application/xml")));
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("t-" + i),
                    utf8(order(i)),
                    binaryHeaders("t-" + i, null, "application/json")));
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("j-" + i),
                    utf8("{\"id\":\"j-" + i + "\",\"type\":\"order.created\",\"source\":\"s\",\"time\":1,"
                            + "\"payload\":{}}"),
                    new RecordHeaders()));
            records.add(new ProducerRecord<>(
                    topic,
                    null,
                    null,
                    utf8("d-" + i),
                    utf8(structured("d-" + i, time, "\"data_base64\":\"AAEC\"")),
                    structuredHeaders()));
        }
        dead.put(Reason.UNSUPPORTED_CONTENT_TYPE, 40L);
        dead.put(Reason.MISSING_FIELD, 20L);
        dead.put(Reason.UNDECODABLE, 20L);
        KAFKA.produce(topic, records);

        JobClient job = IngestRuns.start(config);
        try {
            Path lake = tmp.resolve("lake");
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> cleanIds(config).size() >= clean.size()
                            && KAFKA.readCommitted(config.dlqTopic()).size() >= 80
                            && IngestExpectations.lakeIds(lake).size() >= clean.size());
            Checkpoints.await(cluster, job.getJobID(), 2);
            List<String> ids = cleanIds(config);
            assertThat(ids).hasSize(clean.size()).containsExactlyInAnyOrderElementsOf(clean);
            assertThat(IngestExpectations.lakeIds(lake))
                    .hasSize(clean.size())
                    .containsExactlyInAnyOrderElementsOf(clean);
            List<ConsumerRecord<byte[], byte[]>> letters = KAFKA.readCommitted(config.dlqTopic());
            assertThat(IngestRuns.deadLetterReasons(KAFKA, config)).isEqualTo(dead);
            // a binary-mode letter keeps its CloudEvents headers, so a replay can decode it again
            assertThat(letters)
                    .filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("x-"))
                    .hasSize(20)
                    .allSatisfy(r -> assertThat(r.headers().lastHeader("ce_id")).isNotNull());
            assertThat(Restarts.of(cluster, job.getJobID())).as("restarts").isZero();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** The ids of the clean topic's events (read_committed), with repeats. */
    private static List<String> cleanIds(IngestConfig config) throws Exception {
        return IngestRuns.cleanEvents(KAFKA, config).stream().map(Event::getId).toList();
    }
}
