package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the JobManager's high availability does, on the standalone cluster of deploy/standalone/config.yaml: a job
 * whose JobManager is killed ({@code kill -9}) and restarted in place runs again from its latest checkpoint with
 * ZooKeeper HA, every record once in its exactly-once output; the same kill without HA loses the job. The
 * pass-through job (the benchmark's, a Kafka source and an exactly-once Kafka sink) keeps the subject small; the
 * chaos soak kills the leading JobManager under both eventpipe jobs. A ZooKeeper outage (10 s, shorter than the
 * session timeout; {@code -Dzk.outage.seconds} tries others) suspends the job, which resumes exactly once.
 */
class JobManagerFailoverIT {
    private static final int PARTITIONS = 2;
    private static final int BATCH = 2_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    @Test
    void withHighAvailabilityAKilledJobManagerRestartedInPlaceResumesTheJobExactlyOnce() throws Exception {
        try (FlinkStandaloneCluster cluster = FlinkStandaloneCluster.start(tmp.resolve("flink"))) {
            String job = submit(cluster, "ha");
            send("ha.in", 0, BATCH);
            awaitCommitted("ha.out", BATCH);
            cluster.awaitCheckpoints(job, 1);

            cluster.killJobManager(0);
            long killed = System.nanoTime();
            send("ha.in", BATCH, BATCH); // produced while no JobManager runs
            cluster.restartJobManager(0);
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> cluster.allTasksRunning(job));
            System.out.printf(
                    "JobManager killed and restarted in place: the job ran again after %,d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertThat(cluster.get("/jobs/" + job + "/checkpoints")
                            .path("latest")
                            .path("restored")
                            .isObject())
                    .as("the job resumed from a checkpoint")
                    .isTrue();

            awaitCommitted("ha.out", 2 * BATCH);
            cluster.awaitCheckpoints(job, 1);
            assertExactlyOnce("ha.out", 2 * BATCH);
            cluster.cli("cancel", job);
        }
    }

    @Test
    void aZooKeeperOutageSuspendsTheJobAndItResumesExactlyOnce() throws Exception {
        try (FlinkStandaloneCluster cluster = FlinkStandaloneCluster.start(tmp.resolve("flink"))) {
            cluster.startJobManager();
            String job = submit(cluster, "zk");
            send("zk.in", 0, BATCH);
            awaitCommitted("zk.out", BATCH);
            cluster.awaitCheckpoints(job, 1);

            long outage = Long.getLong("zk.outage.seconds", 10);
            cluster.zooKeeper().stop();
            send("zk.in", BATCH, BATCH);
            TimeUnit.SECONDS.sleep(outage); // the outage's length
            cluster.zooKeeper().restart();
            long back = System.nanoTime();
            awaitCommitted("zk.out", 2 * BATCH);
            System.out.printf(
                    "ZooKeeper down for %d s: every record out %,d ms after its return%n",
                    outage, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
            cluster.awaitCheckpoints(job, 1);
            assertExactlyOnce("zk.out", 2 * BATCH);
            cluster.cli("cancel", job);
        }
    }

    @Test
    void withoutHighAvailabilityTheSameKillLosesTheJob() throws Exception {
        try (FlinkStandaloneCluster cluster =
                FlinkStandaloneCluster.start(tmp.resolve("flink"), Map.of("high-availability.type", "NONE"))) {
            String job = submit(cluster, "noha");
            send("noha.in", 0, BATCH);
            awaitCommitted("noha.out", BATCH);
            cluster.awaitCheckpoints(job, 1);

            cluster.killJobManager(0);
            send("noha.in", BATCH, BATCH);
            cluster.restartJobManager(0);
            // the JobManager is back and its TaskManager registered again, but it knows no job: nothing resumes
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> cluster.get("/overview").path("taskmanagers").asInt() >= 1);
            assertThat(cluster.get("/jobs/overview").path("jobs")).isEmpty();
            assertThat(cluster.taskManagerIds()).isNotEmpty();
            assertExactlyOnce("noha.out", BATCH);
        }
    }

    private String submit(FlinkStandaloneCluster cluster, String name) throws Exception {
        KAFKA.createTopics(PARTITIONS, name + ".in", name + ".out");
        String job = cluster.submit(
                FlinkStandaloneCluster.jobJar("passthrough"),
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--input",
                name + ".in",
                "--output",
                name + ".out",
                "--name",
                name,
                "--checkpoint-interval-ms",
                "1000");
        cluster.awaitRunning(job);
        return job;
    }

    private static void send(String topic, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int i = from; i < from + count; i++) {
                byte[] v = ("record-" + i).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(topic, v, v));
            }
            p.flush();
        }
    }

    private static void awaitCommitted(String topic, int count) {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> KAFKA.readCommitted(topic).size() >= count);
    }

    /** Records {@code record-0} to {@code record-(n-1)}, each exactly once, and nothing else. */
    private static void assertExactlyOnce(String topic, int n) {
        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readCommitted(topic);
        Map<String, Long> counts = records.stream()
                .collect(Collectors.groupingBy(
                        r -> new String(r.value(), StandardCharsets.UTF_8), HashMap::new, Collectors.counting()));
        Map<String, Long> expected =
                IntStream.range(0, n).boxed().collect(Collectors.toMap(i -> "record-" + i, i -> 1L));
        assertThat(counts).isEqualTo(expected);
    }
}
