package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.localkit.embedded.EmbeddedKafka;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.GoldenSavepoints;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden savepoints of the ingest job: each one, taken with a released version, restores with the current code and
 * its dedup state still recognises the ids seen before it. {@link #main} writes the savepoint of a new release.
 */
class GoldenSavepointIT {
    private static final String JOB = "ingest";
    private static final String INPUT = "golden.events";
    private static final String CLEAN = "golden.clean";
    private static final String DLQ = "golden.dlq";
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    /** The same job configuration for writing and restoring; the TTL keeps golden ids remembered for years. */
    static IngestConfig config(String bootstrap) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", "golden-ingest");
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("topics.input", INPUT);
        m.put("topics.clean", CLEAN);
        m.put("topics.dlq", DLQ);
        m.put("checkpoint.interval", "500ms");
        m.put("checkpoint.timeout", "1min");
        m.put("sink.transaction-timeout", "5min");
        m.put("restart.attempts", "3");
        m.put("restart.delay", "1s");
        m.put("dedup.ttl", "3650d");
        m.put("lake.enabled", "false");
        m.put("sink.dlq.archive-path", "file:///tmp/eventpipe-test/dead-letters");
        return IngestConfig.from(Settings.of(m));
    }

    /** The input the savepoint was taken after: the same records land in the same partitions at the same offsets. */
    static List<Event> goldenInput() {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            out.add(GoldenSavepoints.pageView("golden-" + i, T0 + i * 1000L));
        }
        return out;
    }

    @Test
    void everyGoldenSavepointRestoresWithItsDedupState(@InjectMiniCluster MiniCluster cluster) throws Exception {
        List<Path> savepoints = GoldenSavepoints.savepoints(getClass(), JOB);
        assertThat(savepoints)
                .as("golden savepoints of the ingest job under src/test/resources/savepoints")
                .isNotEmpty();
        for (Path savepoint : savepoints) {
            restore(cluster, savepoint);
        }
    }

    private void restore(MiniCluster cluster, Path savepoint) throws Exception {
        KAFKA.stop();
        KAFKA.start(); // a fresh broker per savepoint: the topics must start as they were when it was taken
        GoldenSavepoints.createTopics(KAFKA.bootstrapServers(), INPUT, CLEAN, DLQ);
        GoldenSavepoints.produce(KAFKA.bootstrapServers(), INPUT, null, goldenInput());
        List<Event> after = new ArrayList<>(goldenInput()); // every one a duplicate now
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            after.add(GoldenSavepoints.pageView("fresh-" + i, T0 + 100_000 + i * 1000L));
            fresh.add("fresh-" + i);
        }
        GoldenSavepoints.produce(KAFKA.bootstrapServers(), INPUT, null, after);

        IngestConfig config = config(KAFKA.bootstrapServers());
        Configuration restoring =
                GoldenSavepoints.restoringFrom(config.runtime().toConfiguration(), savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(restoring);
        IngestJob.addTo(env, config);
        JobClient job = env.executeAsync("golden-restore");
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> KAFKA.readCommitted(CLEAN).size() >= fresh.size());
            Checkpoints.await(cluster, job.getJobID(), 2);
            assertThat(KAFKA.readCommitted(CLEAN))
                    .as("restored from %s", savepoint)
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrderElementsOf(fresh);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes the golden savepoint of release {@code args[0]} into src/test/resources/savepoints (run from the module
     * directory; see ./eventpipe golden-savepoints): the job reads the golden input, goes idle after a completed
     * checkpoint, and stops with a canonical savepoint without draining.
     */
    public static void main(String[] args) throws Exception {
        String version = args[0];
        Path scratch = Files.createTempDirectory("golden");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            GoldenSavepoints.onMiniCluster(cluster -> {
                GoldenSavepoints.createTopics(kafka.bootstrapServers(), INPUT, CLEAN, DLQ);
                GoldenSavepoints.produce(kafka.bootstrapServers(), INPUT, null, goldenInput());
                IngestConfig config = config(kafka.bootstrapServers());
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                        config.runtime().toConfiguration());
                IngestJob.addTo(env, config);
                JobClient job = env.executeAsync("golden-ingest");
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> KafkaBrokerExtension.readCommitted(kafka.bootstrapServers(), CLEAN)
                                        .size()
                                >= 60);
                Checkpoints.await(cluster, job.getJobID(), 2);
                Path kept = GoldenSavepoints.stopAndKeep(job, scratch, version, JOB);
                System.out.println("golden savepoint of the ingest job: " + kept.toAbsolutePath());
            });
        }
    }
}
