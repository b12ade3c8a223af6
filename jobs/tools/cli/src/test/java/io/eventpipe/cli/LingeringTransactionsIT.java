package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.KafkaBrokerProcess;
import io.eventpipe.testkit.SecuredKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eventpipe transactions list|abort} on transactions left open the way they are in production: the ingest
 * job runs in a JVM of its own (a local Flink cluster: JobManager and TaskManager in one process), fed without pause,
 * and that process is killed with {@code kill -9} while its sinks' transactions hold records, then never restarted.
 * A {@code read_committed} reader of the clean topic is stalled behind them; {@code abort} ends them and the reader
 * moves on, with no clean record committed twice. The same over SASL_SSL with the ACLs docs/security.md lists.
 */
class LingeringTransactionsIT {
    private static final int PARTITIONS = 2;

    @TempDir
    Path tmp;

    @Test
    void abortEndsTheTransactionsAKilledJobLeftAndReadersMoveOn() throws Exception {
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(tmp.resolve("kafka"))) {
            for (String t : List.of("tx.events", "tx.clean", "tx.dlq")) {
                kafka.createTopic(t, PARTITIONS, Map.of());
            }
            Path config = CommandRun.yaml(
                    tmp.resolve("ingest.yaml"),
                    Map.of(
                            "job.name",
                            "tx",
                            "job.parallelism",
                            "2",
                            "kafka.bootstrap-servers",
                            kafka.bootstrapServers(),
                            "topics.input",
                            "tx.events",
                            "topics.clean",
                            "tx.clean",
                            "topics.dlq",
                            "tx.dlq",
                            "checkpoint.interval",
                            "2s",
                            "sink.transaction-timeout",
                            "10min",
                            "lake.enabled",
                            "false",
                            "sink.dlq.archive-path",
                            tmp.resolve("dead-letters").toUri().toString()));
            Process job = startJob(config);
            AtomicBoolean feeding = new AtomicBoolean(true);
            Thread feed = new Thread(() -> feed(kafka, feeding), "feed");
            KafkaProducer<byte[], byte[]> other;
            try {
                feed.start();
                // the job commits (its checkpoints complete), and its sinks hold records in open transactions
                await().atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !kafka.readCommitted("tx.clean").isEmpty());
                // another application's transaction on the same topic, with an id that starts like this job's
                // prefix: the tool never touches it. Opened after the job started, because the job's own pooled
                // sinks end, at start-up, every open transaction on their topics whose id starts with their prefix
                // (docs/configuration.md)
                other = transactional(kafka.clientConfig(), "tx-cleaner-0-1");
                other.beginTransaction();
                other.send(new ProducerRecord<>("tx.clean", 1, null, "other".getBytes(StandardCharsets.UTF_8)))
                        .get();
                // while the job runs, abort refuses: its transactions are its own
                CommandRun.Result refused = CommandRun.run(
                        "transactions",
                        "abort",
                        "--config",
                        config.toString(),
                        "--flink-rest",
                        "http://localhost:" + restPort(tmp.resolve("job.out")));
                assertThat(refused.code()).as(refused.output()).isEqualTo(2);
                assertThat(refused.output()).contains("job tx is running");
            } finally {
                job.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9 of every Flink process of the job
                feeding.set(false);
                feed.join(TimeUnit.MINUTES.toMillis(1));
            }
            List<ConsumerRecord<byte[], byte[]>> committedBefore = kafka.readCommitted("tx.clean");

            // a record after the open transactions: a read_committed reader does not get to it
            TopicPartition p0 = new TopicPartition("tx.clean", 0);
            RecordMetadata marker;
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                marker = p.send(new ProducerRecord<>("tx.clean", 0, null, "marker".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
            try (Admin admin = kafka.admin()) {
                assertThat(lastStableOffset(admin, p0))
                        .as("the last stable offset of %s", p0)
                        .isLessThanOrEqualTo(marker.offset());
            }
            assertThat(kafka.readCommitted("tx.clean")).noneMatch(r -> "marker".equals(value(r)));

            CommandRun.Result listed = CommandRun.run("transactions", "list", "--config", config.toString());
            assertThat(listed.code()).as(listed.output()).isEqualTo(1);
            assertThat(listed.output())
                    .contains("tx-clean-")
                    .contains("holds back")
                    .doesNotContain("tx-cleaner-0-1")
                    .contains("open transaction(s) with the prefixes [tx-clean, tx-dlq]");

            CommandRun.Result unchecked = CommandRun.run("transactions", "abort", "--config", config.toString());
            assertThat(unchecked.code()).as(unchecked.output()).isEqualTo(2);
            assertThat(unchecked.output()).contains("--job-not-running");

            CommandRun.Result aborted =
                    CommandRun.run("transactions", "abort", "--config", config.toString(), "--job-not-running");
            assertThat(aborted.code()).as(aborted.output()).isZero();
            assertThat(aborted.output())
                    .contains("ended tx-clean-")
                    .doesNotContain("STILL OPEN")
                    .doesNotContain("tx-cleaner");

            CommandRun.Result after = CommandRun.run("transactions", "list", "--config", config.toString());
            assertThat(after.code()).as(after.output()).isZero();
            assertThat(after.output()).contains("no open transaction");

            // partition 0 is free again; partition 1 is still held back by the other job's transaction alone
            TopicPartition p1 = new TopicPartition("tx.clean", 1);
            try (Admin admin = kafka.admin()) {
                assertThat(lastStableOffset(admin, p0)).isEqualTo(highWatermark(admin, p0));
                assertThat(lastStableOffset(admin, p1)).isLessThan(highWatermark(admin, p1));
            }
            assertThat(kafka.readCommitted("tx.clean")).anyMatch(r -> "marker".equals(value(r)));
            other.abortTransaction();
            other.close();
            List<ConsumerRecord<byte[], byte[]>> clean = kafka.readCommitted("tx.clean").stream()
                    .filter(r -> !"marker".equals(value(r)))
                    .toList();
            Set<String> keys = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : clean) {
                assertThat(keys.add(new String(r.key(), StandardCharsets.UTF_8)))
                        .as("clean record %s committed once", new String(r.key(), StandardCharsets.UTF_8))
                        .isTrue();
            }
            // what readers saw before stays; what was left open is gone, but for a commit that had begun, which the
            // coordinator completes
            assertThat(keys)
                    .containsAll(committedBefore.stream()
                            .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                            .toList());
        }
    }

    @Test
    void listsAndAbortsOverSaslSslWithTheDocumentedAcls() throws Exception {
        String user = "txjob";
        try (SecuredKafkaBroker kafka =
                SecuredKafkaBroker.start(tmp.resolve("kafka"), List.of(user), List.of(), List.of())) {
            kafka.createTopics(PARTITIONS, user + ".events", user + ".clean", user + ".dlq");
            // the ingest job's own ACLs (docs/security.md): the tool needs nothing more
            kafka.allow(
                    user,
                    ResourceType.TOPIC,
                    user + ".events",
                    PatternType.LITERAL,
                    AclOperation.READ,
                    AclOperation.DESCRIBE);
            kafka.allow(
                    user,
                    ResourceType.TOPIC,
                    user + ".clean",
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.READ);
            kafka.allow(
                    user,
                    ResourceType.TOPIC,
                    user + ".dlq",
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.READ);
            kafka.allow(user, ResourceType.GROUP, user, PatternType.LITERAL, AclOperation.READ);
            kafka.allow(
                    user,
                    ResourceType.TRANSACTIONAL_ID,
                    user + "-",
                    PatternType.PREFIXED,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            Path config =
                    CommandRun.yaml(tmp.resolve("secured.yaml"), SecuredReplayIT.securedIngestConfig(kafka, user, tmp));
            // a writer of the job's clean sink that died with its transaction open, as the job's principal
            Properties client = kafka.clientConfig(user);
            KafkaProducer<byte[], byte[]> dead = transactional(client, user + "-clean-1-7");
            dead.beginTransaction();
            dead.send(new ProducerRecord<>(user + ".clean", 1, null, "x".getBytes(StandardCharsets.UTF_8)))
                    .get();

            CommandRun.Result listed = CommandRun.run("transactions", "list", "--config", config.toString());
            assertThat(listed.code()).as(listed.output()).isEqualTo(1);
            assertThat(listed.output())
                    .contains(user + "-clean-1-7")
                    .contains(user + ".clean-1")
                    .contains("holds back 1 records");
            CommandRun.Result aborted =
                    CommandRun.run("transactions", "abort", "--config", config.toString(), "--job-not-running");
            assertThat(aborted.code()).as(aborted.output()).isZero();
            assertThat(aborted.output()).contains("ended " + user + "-clean-1-7");
            assertThat(CommandRun.run("transactions", "list", "--config", config.toString())
                            .code())
                    .isZero();
            TopicPartition p1 = new TopicPartition(user + ".clean", 1);
            try (Admin admin = kafka.admin()) {
                assertThat(lastStableOffset(admin, p1)).isEqualTo(highWatermark(admin, p1));
            }
            assertThat(kafka.readCommitted(user + ".clean")).isEmpty(); // the dead writer's record is aborted
            for (String output : List.of(listed.output(), aborted.output())) {
                for (String secret : kafka.secrets()) {
                    assertThat(output).doesNotContain(secret);
                }
            }
            dead.close(Duration.ZERO);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(Properties client, String id) {
        Properties p = new Properties();
        p.putAll(client);
        p.setProperty("transactional.id", id);
        p.setProperty("transaction.timeout.ms", "600000");
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** The ingest job in a JVM of its own, on a local Flink cluster, as {@code flink run} of its main would be. */
    private Process startJob(Path config) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dlog4j2.configurationFile="
                        + Files.writeString(
                                        tmp.resolve("job-log4j2.properties"),
                                        String.join(
                                                "\n",
                                                "rootLogger.level = WARN",
                                                "rootLogger.appenderRef.console.ref = console",
                                                "appender.console.type = Console",
                                                "appender.console.name = console",
                                                "appender.console.layout.type = PatternLayout",
                                                "appender.console.layout.pattern = %m%n",
                                                "logger.rest.name = org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint",
                                                "logger.rest.level = INFO",
                                                ""))
                                .toUri(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.eventpipe.ingest.IngestJob",
                "--config",
                config.toString()));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("job.out").toFile())
                .start();
    }

    /** Valid events without pause until told to stop, so that the sinks' transactions always hold records. */
    private static void feed(KafkaBrokerProcess kafka, AtomicBoolean feeding) {
        EventGenerator gen = new EventGenerator(new EventGenerator.Settings(EventFormat.AVRO, 0, 0, Set.of(), 0, 42));
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            while (feeding.get()) {
                for (int i = 0; i < 50; i++) {
                    GeneratedRecord r = gen.next(System.currentTimeMillis());
                    p.send(new ProducerRecord<>("tx.events", null, r.timestamp(), r.key(), r.value()));
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The port of the job's local REST API, from its log. */
    private static int restPort(Path log) {
        java.util.regex.Pattern listening = java.util.regex.Pattern.compile("Rest endpoint listening at [^:]+:(\\d+)");
        return await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            java.util.regex.Matcher m = listening.matcher(Files.readString(log));
                            return m.find() ? Integer.parseInt(m.group(1)) : 0;
                        },
                        port -> port > 0);
    }

    private static long lastStableOffset(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(tp)
                .offset();
    }

    private static long highWatermark(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(
                        Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(tp)
                .offset();
    }

    private static String value(ConsumerRecord<byte[], byte[]> r) {
        return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    }
}
