package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.SinkDelivery;
import io.eventpipe.common.kafka.TransactionNaming;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job on a MiniCluster at parallelism 2 against a real Kafka broker: exact outputs in the clean topic
 * (read_committed), the dead-letter topic and the Parquet lake, with and without injected failures.
 */
class IngestJobIT {
    private static final int PARTITIONS = 3;
    private static final int EVENTS = 20_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    /** TaskManagers of the class's mini-cluster terminated so far. */
    private static int taskManagersTerminated;

    /** Topics, lake and config for one test run; names are unique so tests do not see each other's data. */
    private IngestConfig config(String name, String stateBackend) {
        return config(name, stateBackend, Map.of());
    }

    private IngestConfig config(String name, String stateBackend, Map<String, String> extra) {
        Map<String, String> m = IngestRuns.baseConfig(name);
        m.put("state.backend", stateBackend);
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("restart.attempts", "20");
        m.put("restart.delay", "500ms");
        m.put("lake.path", tmp.resolve("lake").toUri().toString());
        m.putAll(extra);
        return IngestConfig.from(Settings.of(m));
    }

    private static ProducerRecord<byte[], byte[]> toRecord(String topic, GeneratedRecord r) {
        return new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value());
    }

    @Test
    void cleanTopicLakeAndDeadLettersHoldExactlyTheExpectedRecords(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        IngestConfig config = config("exact", "hashmap");
        KAFKA.createTopics(PARTITIONS, config.inputTopic(), config.cleanTopic(), config.dlqTopic());
        List<GeneratedRecord> records = IngestRuns.generate(42, EVENTS);
        KAFKA.produce(
                config.inputTopic(),
                records.stream().map(r -> toRecord(config.inputTopic(), r)).toList());

        JobClient job = IngestRuns.start(config);
        try {
            awaitExactOutputs(cluster, job.getJobID(), config, expect(records));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void exactOutputsSurviveTaskManagerFailures(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // RocksDB with incremental checkpoints here, the heap backend above: both recover exactly. Transactional
        // ids that are new every checkpoint here, pooled ones (the default) below
        IngestConfig config = config("failures", "rocksdb", Map.of("sink.transaction-naming", "incrementing"));
        List<GeneratedRecord> records = IngestRuns.generate(7, EVENTS);
        IngestExpectations expected = expect(records);
        java.util.concurrent.atomic.AtomicLong checkpoints = new java.util.concurrent.atomic.AtomicLong();
        runWithFailures(cluster, config, records, job -> {
            awaitExactOutputs(cluster, job, config, expected);
            checkpoints.set(Checkpoints.completed(cluster, job));
        });
        long ids = cleanTransactionalIds(config);
        System.out.printf(
                "incrementing: %d transactional ids of the clean sink at the broker after %d " + "checkpoints%n",
                ids, checkpoints.get());
        // one per subtask for every checkpoint the sink saw
        assertThat(ids).isGreaterThanOrEqualTo(checkpoints.get());
    }

    /** The transactional ids of the clean sink that the broker keeps. */
    private static long cleanTransactionalIds(IngestConfig config) throws Exception {
        String prefix = config.cleanTransactionalIdPrefix() + "-";
        try (var admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            return admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.transactionalId().startsWith(prefix))
                    .count();
        }
    }

    /**
     * {@code sink.delivery-guarantee: at-least-once}: no transactions, and after the same failures nothing is lost:
     * every expected record is in the clean and dead-letter topics (repeats allowed), and the lake stays exact.
     */
    @Test
    void atLeastOnceSinksLoseNothingAcrossFailures(@InjectMiniCluster MiniCluster cluster) throws Exception {
        IngestConfig config = config("alo", "rocksdb", Map.of("sink.delivery-guarantee", "at-least-once"));
        assertThat(config.deliveryGuarantee()).isEqualTo(SinkDelivery.AT_LEAST_ONCE);
        List<GeneratedRecord> records = IngestRuns.generate(8, EVENTS);
        IngestExpectations expected = expect(records);
        Path lake = tmp.resolve("lake");
        runWithFailures(cluster, config, records, job -> {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> expected.reached(KAFKA, config.cleanTopic(), config.dlqTopic(), lake)
                            && lakeHasEveryId(lake, expected));
            Checkpoints.await(cluster, job, 2);
            expected.assertAtLeastOnce(KAFKA, config.cleanTopic(), config.dlqTopic(), lake);
        });
        // nothing transactional was written: no transactional id of this job is known to the broker
        try (var admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            assertThat(admin.listTransactions().all().get(30, TimeUnit.SECONDS))
                    .noneMatch(
                            t -> t.transactionalId().startsWith(config.runtime().jobName()));
        }
    }

    /**
     * {@code sink.transaction-naming: pooling}, the default: the same failures, every output exact, and the brokers
     * know fewer of the clean sink's transactional ids than checkpoints completed (incrementing names take one per
     * subtask and checkpoint, above).
     */
    @Test
    void pooledTransactionNamesStayExactAcrossFailuresWithFewerIds(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        IngestConfig config = config("pooling", "rocksdb", Map.of());
        assertThat(config.transactionNaming()).isEqualTo(TransactionNaming.POOLING);
        List<GeneratedRecord> records = IngestRuns.generate(9, EVENTS);
        IngestExpectations expected = expect(records);
        java.util.concurrent.atomic.AtomicLong checkpoints = new java.util.concurrent.atomic.AtomicLong();
        runWithFailures(cluster, config, records, job -> {
            awaitExactOutputs(cluster, job, config, expected);
            checkpoints.set(Checkpoints.completed(cluster, job));
        });
        long ids = cleanTransactionalIds(config);
        System.out.printf(
                "pooling: %d transactional ids of the clean sink at the broker after %d checkpoints%n",
                ids, checkpoints.get());
        assertThat(ids).isPositive().isLessThan(checkpoints.get());
    }

    /**
     * {@code source.starting-offsets: timestamp:T1} and {@code source.stopping-offsets: timestamp:T2} over input
     * stamped before T1, at T1 and at T2: the job finishes on its own, and its outputs hold exactly what the records
     * stamped in [T1, T2) give, each once, committed by the last checkpoint.
     */
    @Test
    void boundedRunReprocessesExactlyItsTimeRangeAndFinishes() throws Exception {
        long t2 = System.currentTimeMillis();
        long t1 = t2 - Duration.ofHours(1).toMillis();
        long t0 = t1 - Duration.ofHours(1).toMillis();
        IngestConfig config = config(
                "bounded",
                "rocksdb",
                Map.of(
                        "source.starting-offsets", "timestamp:" + java.time.Instant.ofEpochMilli(t1),
                        "source.stopping-offsets", "timestamp:" + java.time.Instant.ofEpochMilli(t2)));
        KAFKA.createTopics(PARTITIONS, config.inputTopic(), config.cleanTopic(), config.dlqTopic());
        // separate generators: no record of one range repeats a record of another
        List<GeneratedRecord> before = IngestRuns.generate(11, 5_000, t0);
        List<GeneratedRecord> inRange = IngestRuns.generate(12, EVENTS / 2, t1);
        List<GeneratedRecord> after = IngestRuns.generate(13, 5_000, t2);
        IngestExpectations expected = expect(inRange);
        for (List<GeneratedRecord> batch : List.of(before, inRange, after)) {
            KAFKA.produce(
                    config.inputTopic(),
                    batch.stream().map(r -> toRecord(config.inputTopic(), r)).toList());
        }

        JobClient job = IngestRuns.start(config);
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS))
                .isEqualTo(org.apache.flink.api.common.JobStatus.FINISHED);
        expected.assertExact(KAFKA, config.inputTopic(), config.cleanTopic(), config.dlqTopic(), tmp.resolve("lake"));
    }

    private static boolean lakeHasEveryId(Path lake, IngestExpectations expected) throws Exception {
        return new java.util.HashSet<>(IngestExpectations.lakeIds(lake)).containsAll(expected.cleanIds());
    }

    private interface JobCheck {
        void check(JobID job) throws Exception;
    }

    /**
     * Runs the job while ~8 s of traffic arrives and the TaskManager is killed three times mid-stream, then runs
     * {@code check} on the outputs and asserts the job restarted.
     */
    private void runWithFailures(
            MiniCluster cluster, IngestConfig config, List<GeneratedRecord> records, JobCheck check) throws Exception {
        KAFKA.createTopics(PARTITIONS, config.inputTopic(), config.cleanTopic(), config.dlqTopic());
        JobClient job = IngestRuns.start(config);
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Thread producer = new Thread(
                () -> {
                    try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
                        for (int i = 0; i < records.size(); i++) {
                            p.send(toRecord(config.inputTopic(), records.get(i)));
                            if (i % 250 == 249) {
                                p.flush();
                                TimeUnit.MILLISECONDS.sleep(100);
                            }
                        }
                        p.flush();
                    } catch (Throwable t) {
                        producerError.set(t);
                    }
                },
                "test-producer");
        try {
            Checkpoints.await(cluster, job.getJobID(), 1);
            producer.start();
            Random random = new Random(11);
            for (int failure = 0; failure < 3; failure++) {
                // a random point in the stream, after the job has made progress since the last recovery
                Checkpoints.await(cluster, job.getJobID(), 1);
                TimeUnit.MILLISECONDS.sleep(300 + random.nextInt(1500));
                // MiniCluster keeps terminated TaskManagers in its list (shared by this class's tests): the live
                // one is the newest
                cluster.terminateTaskManager(taskManagersTerminated++).get(30, TimeUnit.SECONDS);
                cluster.startTaskManager();
            }
            producer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(producerError.get()).isNull();
            check.check(job.getJobID());
            assertThat(restarts(cluster, job.getJobID())).isGreaterThanOrEqualTo(3);
        } finally {
            producer.join(TimeUnit.MINUTES.toMillis(2));
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Restarts so far: the attempt number of a task (every task restarts when the only TaskManager dies). */
    private static int restarts(MiniCluster cluster, JobID job) throws Exception {
        var graph = cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
        return graph.getAllExecutionVertices()
                .iterator()
                .next()
                .getCurrentExecutionAttempt()
                .getAttemptNumber();
    }

    /**
     * Waits until every output holds the expected number of records, lets two more checkpoints complete (any
     * duplicate would be committed by then), and asserts exact contents.
     */
    private void awaitExactOutputs(MiniCluster cluster, JobID job, IngestConfig config, IngestExpectations expected)
            throws Exception {
        Path lake = tmp.resolve("lake");
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> expected.reached(KAFKA, config.cleanTopic(), config.dlqTopic(), lake));
        Checkpoints.await(cluster, job, 2);
        expected.assertExact(KAFKA, config.inputTopic(), config.cleanTopic(), config.dlqTopic(), lake);
    }

    /** The input the issue asks for: at least 10% duplicates and 5% bad records of every kind. */
    private static IngestExpectations expect(List<GeneratedRecord> records) {
        assertThat(records.stream()
                        .filter(r -> r.expected() == GeneratedRecord.Expected.DUPLICATE)
                        .count())
                .isGreaterThanOrEqualTo(records.size() / 10);
        Map<Reason, Long> perKind = records.stream()
                .filter(r -> r.reason() != null)
                .collect(Collectors.groupingBy(GeneratedRecord::reason, Collectors.counting()));
        assertThat(perKind)
                .hasSize(EventGenerator.BAD_KINDS.size())
                .allSatisfy((reason, n) -> assertThat(n).isGreaterThanOrEqualTo(records.size() / 20));
        return IngestExpectations.of(records);
    }
}
