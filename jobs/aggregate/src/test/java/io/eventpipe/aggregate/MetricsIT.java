package io.eventpipe.aggregate;

import static io.eventpipe.testkit.PrometheusScrape.max;
import static io.eventpipe.testkit.PrometheusScrape.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.PrometheusScrape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregate job with Flink's Prometheus reporter: a scrape of /metrics shows {@code windowsEmitted} and
 * {@code lateEvents} equal to the numbers the input makes, and every metric the aggregate dashboard and alert rules
 * in deploy/monitoring use exists.
 *
 * <p>The input is built so that those numbers do not depend on timing: every partition gets a tick event after
 * each phase, so the watermark (the minimum over all partitions; idleness is switched off) is known at the end of
 * each phase, and the next phase starts only once the metrics show the previous one complete.
 */
class MetricsIT {
    private static final int PARTITIONS = 3;
    private static final long MIN = 60_000;
    /** Window size 1 min, allowed lateness 30 s, out-of-orderness 2 s. */
    private static final long LATENESS = 30_000;

    private static final int PER_KEY_AND_WINDOW = 20;
    private static final String[][] KEYS = {{"order.created", "shop"}, {"order.created", "app"}, {"page.viewed", "web"}
    };

    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    private static final String EMITTED = PREFIX + "eventpipe_windowsEmitted";
    private static final String LATE = PREFIX + "eventpipe_lateEvents";
    private static final String RECORDS_IN = PREFIX + "numRecordsIn";
    /** The Kafka source and the windows operator, as Flink's reporter labels them. */
    private static final String SOURCE = "operator_name=\"Source:_kafka:_clean\"";

    private static final String WINDOWS = "operator_name=\"windows_per_type_and_source\"";

    private static final PrometheusScrape PROM = new PrometheusScrape();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager(PROM.reporter());

    @TempDir
    Path tmp;

    private final long t0 = (System.currentTimeMillis() / MIN - 60) * MIN; // an hour ago, on a minute boundary
    private final Random random = new Random(7);
    private final EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
    private int ids;

    private AggregateConfig config(String name) throws Exception {
        Map<String, String> m =
                AggregateTestConfig.base(name, KAFKA.bootstrapServers(), tmp, PG.createDatabase("metrics"), PG.user());
        // every partition gets ticks, so no partition is ever idle; an idle one would let the watermark run ahead
        m.put("source.idleness", "1h");
        m.put("aggregate.metrics.order.created", "sum(amount)");
        m.put("restart.attempts", "0");
        return AggregateConfig.from(Settings.of(m));
    }

    private Event event(String type, String source, long time) {
        String payload = type.equals("order.created") ? "{\"amount\":" + random.nextInt(1000) + "}" : "{}";
        return Event.newBuilder()
                .setId("e-" + ids++)
                .setTime(Instant.ofEpochMilli(time))
                .setType(type)
                .setSource(source)
                .setPayload(payload)
                .build();
    }

    /** {@link #PER_KEY_AND_WINDOW} events of every key in window {@code w}. */
    private List<Event> window(int w) {
        List<Event> out = new ArrayList<>();
        for (String[] k : KEYS) {
            for (int i = 0; i < PER_KEY_AND_WINDOW; i++) {
                out.add(event(k[0], k[1], t0 + w * MIN + random.nextInt((int) MIN)));
            }
        }
        return out;
    }

    /** Produces the events, then a tick at {@code tick} on every partition (null: none); returns the count sent. */
    private int produce(String topic, List<Event> events, Long tick) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Event::getTime));
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            sorted.forEach(e -> p.send(record(topic, e, null)));
            p.flush();
            if (tick != null) {
                for (int part = 0; part < PARTITIONS; part++) {
                    p.send(record(topic, event("clock.tick", "test", tick), part));
                }
                p.flush();
            }
        }
        return sorted.size() + (tick != null ? PARTITIONS : 0);
    }

    /** As the ingest job writes the clean topic: key id, Avro value, record timestamp = event time. */
    private ProducerRecord<byte[], byte[]> record(String topic, Event e, Integer partition) {
        return new ProducerRecord<>(
                topic, partition, e.getTime().toEpochMilli(), EventEncoder.key(e), encoder.encode(e));
    }

    /** Waits until the source and the windows operator have taken in {@code records} and the counters show these. */
    private static String awaitCounts(int records, int emitted, int late) {
        String[] last = new String[1];
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    last[0] = PROM.scrape();
                    assertCounts(last[0], records, emitted, late);
                });
        return last[0];
    }

    private static void assertCounts(String scrape, int records, int emitted, int late) {
        assertThat(sum(scrape, RECORDS_IN, SOURCE))
                .as("records read by the source")
                .isEqualTo(records);
        // too-late events go from the decode step to the late topic (DecodeValidateFunction): the windows never see
        // them
        assertThat(sum(scrape, RECORDS_IN, WINDOWS))
                .as("records into the windows operator")
                .isEqualTo(records - late);
        assertThat(sum(scrape, EMITTED)).as("windowsEmitted").isEqualTo(emitted);
        assertThat(sum(scrape, LATE)).as("lateEvents").isEqualTo(late);
    }

    @Test
    void windowsEmittedAndLateEventsEqualTheNumbersTheInputMakes(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String name = "eventpipe-aggregate-metrics";
        AggregateConfig config = config(name);
        String topic = config.inputTopic();
        KAFKA.createTopics(PARTITIONS, topic, config.resultsTopic(), config.lateTopic(), config.dlqTopic());
        AggregateJob.startupChecks(config);

        // 1: windows 0..2 of 3 keys, then ticks at 3:35 → watermark 3:32.999 on every partition: the 9 windows
        // fire once each (and are purged: end + lateness <= watermark). The ticks open window 3 of key clock.tick.
        int records = produce(
                topic,
                List.of(window(0), window(1), window(2)).stream()
                        .flatMap(List::stream)
                        .toList(),
                t0 + 3 * MIN + LATENESS + 5_000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync(name);
        try {
            awaitCounts(records, 9, 0);

            // 2: window 3 of the 3 keys (not late: window 3 is still open), then ticks at 4:10 → watermark
            // 4:07.999: window 3 of the 3 keys and of clock.tick fire, 4 more. Window 3 stays open for late events
            // until 4:29.999, which no watermark reaches. The ticks open window 4 of clock.tick, which never fires.
            records += produce(topic, window(3), t0 + 4 * MIN + 10_000);
            awaitCounts(records, 13, 0);

            // 3: per key one event for window 3, late but within the allowed lateness: each re-emits its window
            // (3 more); and one for each of windows 0, 1, 2, which are past end + lateness: 9 late events.
            List<Event> lateInput = new ArrayList<>();
            for (String[] k : KEYS) {
                lateInput.add(event(k[0], k[1], t0 + 3 * MIN + 30_000));
                for (int w = 0; w < 3; w++) {
                    lateInput.add(event(k[0], k[1], t0 + w * MIN + 45_000));
                }
            }
            records += produce(topic, lateInput, null);
            long before = System.currentTimeMillis();
            String s = awaitCounts(records, 16, 9);
            // the last watermark the windows operator saw is at most 4:07.999, so event-time lag is at least now - that
            assertThat(max(s, PREFIX + "eventpipe_eventTimeLagMs"))
                    .isGreaterThanOrEqualTo(before - (t0 + 4 * MIN + 8_000));

            // nothing more comes later: still the same numbers after a checkpoint completes
            Checkpoints.await(cluster, job.getJobID(), 2);
            s = PROM.scrape();
            assertCounts(s, records, 16, 9);
            assertThat(sum(s, "flink_jobmanager_job_numberOfCompletedCheckpoints"))
                    .isPositive();

            // every metric the aggregate dashboard and alert rules use is in a real scrape
            PrometheusScrape.assertUsedMetricsExist(
                    s,
                    PrometheusScrape.monitoringFile("grafana-aggregate.json"),
                    PrometheusScrape.monitoringFile("aggregate.rules.yml"));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
