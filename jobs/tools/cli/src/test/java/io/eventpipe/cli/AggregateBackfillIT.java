package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.AggregateJob;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.ingest.IngestJob;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.WindowRows;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eventpipe backfill aggregate}: the same events go through the ingest job (clean topic and lake) and the
 * streaming aggregate job (rows in one database); the backfill recomputes the range from the lake into another
 * database. The rows are equal, and a second backfill leaves them as they are.
 */
class AggregateBackfillIT {
    private static final long MIN = 60_000;
    private static final int PARTITIONS = 3;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    @Test
    void rowsFromTheLakeEqualTheStreamingJobsAndASecondRunChangesNothing(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long t0 = (System.currentTimeMillis() / MIN - 90) * MIN; // 90 minutes ago, on a window boundary
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0, 0, EnumSet.noneOf(Reason.class), 0, 17));
        EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            Event e = gen.event(t0);
            e.setTime(Instant.ofEpochMilli(t0 + i * 5 * MIN / 1_500)); // five windows, in time order
            events.add(e);
        }
        Path lake = tmp.resolve("lake");

        // the ingest job: clean topic and lake
        Map<String, String> ingest = new LinkedHashMap<>();
        ingest.put("job.name", "backfill-ingest");
        ingest.put("job.parallelism", "2");
        ingest.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        ingest.put("topics.input", "backfill.events");
        ingest.put("topics.clean", "backfill.clean");
        ingest.put("topics.dlq", "backfill.dlq");
        ingest.put("checkpoint.interval", "1s");
        ingest.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        ingest.put("lake.path", lake.toUri().toString());
        IngestConfig ingestConfig = IngestConfig.from(Settings.of(ingest));
        KAFKA.createTopics(
                PARTITIONS,
                "backfill.events",
                "backfill.clean",
                "backfill.dlq",
                "backfill.stats",
                "backfill.late",
                "backfill.agg-dlq");
        KAFKA.produce(
                "backfill.events",
                events.stream()
                        .map(e -> new ProducerRecord<>(
                                "backfill.events",
                                null,
                                e.getTime().toEpochMilli(),
                                EventEncoder.key(e),
                                encoder.encode(e)))
                        .toList());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                ingestConfig.runtime().toConfiguration());
        IngestJob.addTo(env, ingestConfig);
        JobClient job = env.executeAsync("backfill-ingest");
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> IngestExpectations.lakeIds(lake).size() >= events.size());
            Checkpoints.await(cluster, job.getJobID(), 2);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        assertThat(new HashSet<>(IngestExpectations.lakeIds(lake))).hasSize(events.size());

        // the streaming aggregate job over the clean topic, with ticks that close every window
        String streamingDb = PG.createDatabase("backfill_streaming");
        Path aggregateConfig = CommandRun.yaml(tmp.resolve("aggregate.yaml"), aggregateSettings(streamingDb));
        AggregateConfig config = AggregateConfig.from(Settings.of(aggregateSettings(streamingDb)));
        AggregateJob.startupChecks(config);
        env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        job = env.executeAsync("backfill-streaming");
        Map<String, String> streamed;
        try {
            List<ProducerRecord<byte[], byte[]>> ticks = new ArrayList<>();
            for (int part = 0; part < PARTITIONS; part++) {
                Event tick = gen.event(t0);
                tick.setType("clock.tick");
                tick.setTime(Instant.ofEpochMilli(t0 + 16 * MIN));
                ticks.add(new ProducerRecord<>(
                        "backfill.clean", part, t0 + 16 * MIN, EventEncoder.key(tick), encoder.encode(tick)));
            }
            KAFKA.produce("backfill.clean", ticks);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> rows(streamingDb).values().stream()
                                    .mapToLong(r -> Long.parseLong(r.substring(0, r.indexOf(' '))))
                                    .sum()
                            == events.size());
            Checkpoints.await(cluster, job.getJobID(), 2);
            streamed = rows(streamingDb);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        assertThat(streamed.keySet()).allMatch(k -> Long.parseLong(k.substring(0, k.indexOf('|'))) < t0 + 5 * MIN);

        // the backfill into another database, twice
        String backfillDb = PG.createDatabase("backfill_lake");
        String[] args = {
            "backfill",
            "aggregate",
            "--config",
            aggregateConfig.toString(),
            "--set",
            "postgres.url=" + backfillDb,
            "--lake",
            lake.toUri().toString(),
            "--from",
            Instant.ofEpochMilli(t0).toString(),
            "--to",
            Instant.ofEpochMilli(t0 + 5 * MIN).toString()
        };
        String first = CommandRun.ok(args);
        assertThat(first)
                .contains(String.format(java.util.Locale.ROOT, "recomputed %,d windows", streamed.size()))
                .contains("the range held 0 rows before");
        assertThat(rows(backfillDb)).isEqualTo(streamed);
        String second = CommandRun.ok(args);
        assertThat(second)
                .contains(String.format(java.util.Locale.ROOT, "the range held %,d rows before", streamed.size()));
        assertThat(rows(backfillDb)).isEqualTo(streamed);
    }

    private Map<String, String> aggregateSettings(String postgresUrl) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("job.name", "backfill-aggregate");
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("topics.clean", "backfill.clean");
        m.put("topics.results", "backfill.stats");
        m.put("topics.late", "backfill.late");
        m.put("topics.dlq", "backfill.agg-dlq");
        m.put("window.size", "1min");
        m.put("window.allowed-lateness", "10min"); // nothing is too late: the backfill counts every event
        m.put("source.max-out-of-orderness", "2s");
        m.put("checkpoint.interval", "1s");
        m.put("checkpoint.dir", tmp.resolve("aggregate-checkpoints").toUri().toString());
        m.put("sink.dlq.archive-path", tmp.resolve("dead-letters").toUri().toString());
        m.put("checkpoint.timeout", "1min");
        m.put("sink.transaction-timeout", "5min");
        m.put("postgres.url", postgresUrl);
        m.put("postgres.user", PG.user());
        m.put("postgres.batch-interval", "200ms");
        m.put("aggregate.metrics.order.created", "sum(amount), min(amount), max(amount)");
        m.put("aggregate.metrics.payment.captured", "sum(amount)");
        return m;
    }

    private static Map<String, String> rows(String url) {
        return WindowRows.read(url, PG.user(), MIN);
    }
}
