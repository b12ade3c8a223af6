package io.eventpipe.ingest;

import static io.eventpipe.testkit.PrometheusScrape.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.PrometheusScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job with Flink's Prometheus reporter: a scrape of /metrics shows the custom metrics equal to the known
 * counts of the input, and every metric the ingest dashboard and alert rules in deploy/monitoring use exists.
 */
class MetricsIT {
    private static final PrometheusScrape PROM = new PrometheusScrape();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(PROM.reporter());

    @TempDir
    Path tmp;

    @Test
    void customMetricsEqualTheKnownCountsOfTheInput() throws Exception {
        String name = "metrics";
        Map<String, String> m = IngestRuns.baseConfig(name);
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("restart.attempts", "0");
        m.put("lake.path", tmp.resolve("lake").toUri().toString());
        IngestConfig config = IngestConfig.from(Settings.of(m));
        KAFKA.createTopics(3, config.inputTopic(), config.cleanTopic(), config.dlqTopic());

        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0.10, 0.02, EventGenerator.BAD_KINDS, 5000, 99));
        long now = System.currentTimeMillis();
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            records.add(gen.next(now));
        }
        KAFKA.produce(
                config.inputTopic(),
                records.stream()
                        .map(r -> new ProducerRecord<>(config.inputTopic(), null, r.timestamp(), r.key(), r.value()))
                        .toList());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        IngestJob.addTo(env, config);
        JobClient job = env.executeAsync(name);
        try {
            IngestExpectations expected = IngestExpectations.of(records);
            long duplicates = records.stream()
                    .filter(r -> r.expected() == GeneratedRecord.Expected.DUPLICATE)
                    .count();
            Map<Reason, Long> perReason = records.stream()
                    .filter(r -> r.reason() != null)
                    .collect(Collectors.groupingBy(GeneratedRecord::reason, Collectors.counting()));
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        String s = PROM.scrape();
                        assertThat(sum(s, "flink_taskmanager_job_task_operator_eventpipe_eventsIn"))
                                .isEqualTo(records.size());
                        assertThat(sum(s, "flink_taskmanager_job_task_operator_eventpipe_eventsClean"))
                                .isEqualTo(expected.cleanIds().size());
                        assertThat(sum(s, "flink_taskmanager_job_task_operator_eventpipe_duplicatesDropped"))
                                .isEqualTo(duplicates);
                        for (Reason reason : Reason.values()) {
                            assertThat(sum(
                                            s,
                                            "flink_taskmanager_job_task_operator_eventpipe_reason_deadLettered",
                                            "reason=\"" + reason + "\""))
                                    .as(reason.name())
                                    .isEqualTo(
                                            perReason.getOrDefault(reason, 0L).doubleValue());
                        }
                        assertThat(sum(s, "flink_taskmanager_job_task_operator_eventpipe_eventTimeLagMs"))
                                .isPositive();
                    });
            // every metric the ingest dashboard and alert rules use is in a real scrape
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> sum(PROM.scrape(), "flink_jobmanager_job_numberOfCompletedCheckpoints") > 0);
            PrometheusScrape.assertUsedMetricsExist(
                    PROM.scrape(),
                    PrometheusScrape.monitoringFile("grafana-ingest.json"),
                    PrometheusScrape.monitoringFile("ingest.rules.yml"));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
