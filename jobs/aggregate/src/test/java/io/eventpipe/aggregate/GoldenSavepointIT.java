package io.eventpipe.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.localkit.embedded.EmbeddedKafka;
import io.eventpipe.localkit.embedded.EmbeddedPostgres;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.GoldenSavepoints;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Golden savepoints of the aggregate job: each one, taken with a released version, restores with the current code;
 * the window open in it closes with the events from before and after, and the key's progress still rejects events
 * for the window it had closed. {@link #main} writes the savepoint of a new release.
 */
class GoldenSavepointIT {
    private static final String JOB = "aggregate";
    private static final String CLEAN = "golden.clean";
    private static final long MIN = 60_000;
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    static AggregateConfig config(String bootstrap, String postgresUrl, String user) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", "golden-aggregate");
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("topics.clean", CLEAN);
        m.put("topics.results", "golden.stats");
        m.put("topics.late", "golden.late");
        m.put("topics.dlq", "golden.agg-dlq");
        m.put("source.max-out-of-orderness", "10min");
        m.put("source.idleness", "1s");
        m.put("window.size", "1min");
        m.put("window.allowed-lateness", "0s");
        m.put("checkpoint.interval", "500ms");
        m.put("checkpoint.timeout", "1min");
        m.put("sink.transaction-timeout", "5min");
        m.put("restart.attempts", "3");
        m.put("restart.delay", "1s");
        m.put("postgres.url", postgresUrl);
        m.put("postgres.user", user);
        m.put("sink.dlq.archive-path", "file:///tmp/eventpipe-golden/dead-letters");
        m.put("postgres.batch-interval", "100ms");
        return AggregateConfig.from(Settings.of(m));
    }

    static void createTopics(String bootstrap) throws Exception {
        GoldenSavepoints.createTopics(bootstrap, CLEAN, "golden.stats", "golden.late", "golden.agg-dlq");
    }

    /** 30 events in window 0, then 30 in window 15: window 0 closes, window 15 stays open. */
    static List<Event> goldenInput() {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            out.add(GoldenSavepoints.pageView("w0-" + i, T0 + i * 1000L));
        }
        for (int i = 0; i < 30; i++) {
            out.add(GoldenSavepoints.pageView("w15-" + i, T0 + 15 * MIN + i * 1000L));
        }
        return out;
    }

    /** Writes events as the ingest job does (key id, Avro value, timestamp = event time); partition null = by key. */
    static Map<Long, Long> rows(String url, String user) {
        Map<Long, Long> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT window_start, event_count FROM event_windows " + "WHERE type = 'page.viewed'")) {
            while (rs.next()) {
                out.put(rs.getTimestamp(1).getTime(), rs.getLong(2));
            }
        } catch (Exception e) {
            return Map.of(-1L, -1L);
        }
        return out;
    }

    @Test
    void everyGoldenSavepointRestoresItsWindowsAndProgress(@InjectMiniCluster MiniCluster cluster) throws Exception {
        List<Path> savepoints = GoldenSavepoints.savepoints(getClass(), JOB);
        assertThat(savepoints)
                .as("golden savepoints of the aggregate job under src/test/resources/savepoints")
                .isNotEmpty();
        int n = 0;
        for (Path savepoint : savepoints) {
            restore(cluster, savepoint, "golden" + n++);
        }
    }

    private void restore(MiniCluster cluster, Path savepoint, String database) throws Exception {
        KAFKA.stop();
        KAFKA.start(); // the topics must start as they were when the savepoint was taken
        createTopics(KAFKA.bootstrapServers());
        GoldenSavepoints.produce(KAFKA.bootstrapServers(), CLEAN, null, goldenInput());
        List<Event> after = new ArrayList<>();
        after.add(GoldenSavepoints.pageView("late-w0", T0 + 5_000)); // window 0 was closed in the savepoint
        for (int i = 0; i < 10; i++) {
            after.add(GoldenSavepoints.pageView("w15-after-" + i, T0 + 15 * MIN + 40_000 + i * 1000L));
        }
        GoldenSavepoints.produce(KAFKA.bootstrapServers(), CLEAN, null, after);
        for (int part = 0; part < 3; part++) {
            Event tick = Event.newBuilder(GoldenSavepoints.pageView("tick-" + part, T0 + 40 * MIN))
                    .setType("clock.tick")
                    .build();
            GoldenSavepoints.produce(KAFKA.bootstrapServers(), CLEAN, part, List.of(tick));
        }

        String url = PG.createDatabase(database);
        AggregateConfig config = config(KAFKA.bootstrapServers(), url, PG.user());
        AggregateJob.startupChecks(config);
        Configuration restoring =
                GoldenSavepoints.restoringFrom(config.runtime().toConfiguration(), savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restoring);
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync("golden-restore");
        try {
            // window 15: 30 events from before the savepoint and 10 after; window 0 is not written again
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(rows(url, PG.user()))
                            .as("restored from %s", savepoint)
                            .isEqualTo(Map.of(T0 + 15 * MIN, 40L)));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !KAFKA.readCommitted("golden.late").isEmpty());
            Checkpoints.await(cluster, job.getJobID(), 2);
            assertThat(KAFKA.readCommitted("golden.late"))
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("late-w0");
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes the golden savepoint of release {@code args[0]} into src/test/resources/savepoints (run from the module
     * directory; see ./eventpipe golden-savepoints): window 0 closed, window 15 open, idle after a completed
     * checkpoint, stopped with a canonical savepoint without draining.
     */
    public static void main(String[] args) throws Exception {
        String version = args[0];
        Path scratch = Files.createTempDirectory("golden");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgres pg = EmbeddedPostgres.start(scratch.resolve("pg"))) {
            GoldenSavepoints.onMiniCluster(cluster -> {
                createTopics(kafka.bootstrapServers());
                GoldenSavepoints.produce(kafka.bootstrapServers(), CLEAN, null, goldenInput());
                AggregateConfig config = config(kafka.bootstrapServers(), pg.jdbcUrl(), pg.user());
                AggregateJob.startupChecks(config);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                        config.runtime().toConfiguration());
                AggregateJob.addTo(env, config);
                JobClient job = env.executeAsync("golden-aggregate");
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> rows(pg.jdbcUrl(), pg.user()).equals(Map.of(T0, 30L)));
                Checkpoints.await(cluster, job.getJobID(), 2);
                Path kept = GoldenSavepoints.stopAndKeep(job, scratch.resolve("savepoints"), version, JOB);
                System.out.println("golden savepoint of the aggregate job: " + kept.toAbsolutePath());
            });
        }
    }
}
