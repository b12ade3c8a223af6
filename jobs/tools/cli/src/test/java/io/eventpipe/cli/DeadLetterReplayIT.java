package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.ingest.IngestJob;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eventpipe dlq replay} against the ingest job on a MiniCluster and a real broker: a contract too strict
 * dead-letters a known set; the job is upgraded (savepoint) with the contract fixed; a dry run says how many would
 * pass; the replay makes exactly those events clean once (topic and lake), sends the others back to the dead-letter
 * topic (records cut to fit it come whole from the archive), and a second replay adds nothing clean.
 */
class DeadLetterReplayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DLQ_MAX_RECORD_BYTES = 2048;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    @Test
    void lettersOfATooStrictContractBecomeCleanOnceAndTheOthersStayDead(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Path strictContracts = strictContracts();
        Path lake = tmp.resolve("lake");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("job.name", "replay");
        settings.put("job.parallelism", "2");
        settings.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        settings.put("topics.input", "replay.events");
        settings.put("topics.clean", "replay.clean");
        settings.put("topics.dlq", "replay.dlq");
        settings.put("checkpoint.interval", "1s");
        settings.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        settings.put("state.backend", "rocksdb");
        settings.put("lake.path", lake.toUri().toString());
        settings.put("validation.max-record-bytes", "4kb");
        settings.put("sink.dlq.max-record-bytes", Long.toString(DLQ_MAX_RECORD_BYTES));
        settings.put("restart.attempts", "20");
        settings.put("restart.delay", "500ms");
        Path fixedConfig = CommandRun.yaml(tmp.resolve("fixed.yaml"), settings);
        Map<String, String> strictSettings = new LinkedHashMap<>(settings);
        strictSettings.put("validation.contracts-dir", strictContracts.toString());
        IngestConfig strict = IngestConfig.from(Settings.of(strictSettings));
        IngestConfig fixed = IngestConfig.from(Settings.of(settings));
        KAFKA.createTopics(3, fixed.inputTopic(), fixed.cleanTopic(), fixed.dlqTopic());

        // 3,000 records: 10% repeats, 2% each of three bad kinds (oversized ones are cut for the topic and archived)
        EventGenerator gen = new EventGenerator(new EventGenerator.Settings(
                EventFormat.AVRO,
                0.10,
                0.02,
                EnumSet.of(Reason.UNDECODABLE, Reason.PAYLOAD_NOT_JSON, Reason.TOO_LARGE),
                5000,
                31));
        long now = System.currentTimeMillis();
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            records.add(gen.next(now));
        }
        // what the strict contract refuses: orders not in EUR, every occurrence (repeats too: validation comes first)
        Set<String> strictIds = new HashSet<>();
        List<GeneratedRecord> underStrict = new ArrayList<>();
        for (GeneratedRecord r : records) {
            boolean refused = r.expected() != GeneratedRecord.Expected.DEAD_LETTER && notInEuro(r.value());
            if (refused) {
                strictIds.add(r.id());
                underStrict.add(new GeneratedRecord(
                        r.key(),
                        r.value(),
                        r.timestamp(),
                        r.id(),
                        GeneratedRecord.Expected.DEAD_LETTER,
                        Reason.PAYLOAD_CONTRACT));
            } else {
                underStrict.add(r);
            }
        }
        long strictLetters = underStrict.stream()
                .filter(r -> r.reason() == Reason.PAYLOAD_CONTRACT)
                .count();
        assertThat(strictIds).hasSizeGreaterThan(200);
        assertThat(strictLetters).isGreaterThan(strictIds.size()); // repeats of refused orders are letters too
        Map<Reason, Long> badLetters = records.stream()
                .filter(r -> r.reason() != null)
                .collect(Collectors.groupingBy(GeneratedRecord::reason, Collectors.counting()));
        assertThat(badLetters.get(Reason.TOO_LARGE)).isPositive();
        IngestExpectations beforeReplay = IngestExpectations.of(underStrict, DLQ_MAX_RECORD_BYTES);

        KAFKA.produce(
                fixed.inputTopic(),
                records.stream()
                        .map(r -> new ProducerRecord<>(
                                fixed.inputTopic(), null, r.timestamp(), r.key(), r.value(), headers(r)))
                        .toList());

        // the strict job: known clean events, known letters
        JobClient job = start(strict, null);
        awaitExact(cluster, job, fixed, beforeReplay, lake);

        // the fix: the same job from a savepoint, with the built-in contracts
        String savepoint = job.stopWithSavepoint(
                        false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        job = start(fixed, savepoint);
        try {
            String dry = CommandRun.ok("dlq", "replay", "--config", fixedConfig.toString(), "--dry-run");
            assertThat(dry)
                    .contains("nothing published")
                    .contains(String.format(
                            java.util.Locale.ROOT,
                            "| PAYLOAD_CONTRACT | %,d | %,d | 0 |",
                            strictLetters,
                            strictLetters));
            badLetters.forEach((reason, n) -> assertThat(dry)
                    .contains(String.format(java.util.Locale.ROOT, "| %s | %,d | 0 | %,d %s |", reason, n, n, reason)));

            long letters = strictLetters
                    + badLetters.values().stream().mapToLong(Long::longValue).sum();
            String replayed = CommandRun.ok("dlq", "replay", "--config", fixedConfig.toString(), "--batch", "400");
            assertThat(replayed)
                    .contains(String.format(
                            java.util.Locale.ROOT,
                            "replayed %,d dead letters to %s in " + "%d transaction(s)",
                            letters,
                            fixed.inputTopic(),
                            (letters + 399) / 400));

            // what the input now holds after the replayed records: the refused orders pass (the first of each id
            // is clean, repeats are dropped), the bad records fail again with their reasons
            List<GeneratedRecord> all = new ArrayList<>(underStrict);
            Set<String> seen = new HashSet<>();
            for (GeneratedRecord r : underStrict) {
                if (r.reason() == Reason.PAYLOAD_CONTRACT) {
                    all.add(new GeneratedRecord(
                            r.key(),
                            r.value(),
                            r.timestamp(),
                            r.id(),
                            seen.add(r.id()) ? GeneratedRecord.Expected.CLEAN : GeneratedRecord.Expected.DUPLICATE,
                            null));
                } else if (r.reason() != null) {
                    all.add(r);
                }
            }
            IngestExpectations afterReplay = IngestExpectations.of(all, DLQ_MAX_RECORD_BYTES);
            assertThat(afterReplay.cleanIds()).hasSize(beforeReplay.cleanIds().size() + strictIds.size());
            awaitExact(cluster, job, fixed, afterReplay, lake);
            afterReplay.assertArchiveExact(lake.resolve("_dead_letters"));
            // every replayed record names its letter
            assertThat(KAFKA.readCommitted(fixed.inputTopic()).stream()
                            .filter(r -> r.headers().lastHeader(DeadLetterHeaders.REPLAY_OF) != null)
                            .map(r -> new String(
                                    r.headers()
                                            .lastHeader(DeadLetterHeaders.REPLAY_OF)
                                            .value(),
                                    StandardCharsets.UTF_8))
                            .collect(Collectors.toSet()))
                    .hasSize((int) letters)
                    .allMatch(s -> s.startsWith("replay.dlq/"));

            // the input records' own headers travel: onto their letters, back with each replay, and onto the letter
            // of a replayed record that failed again, beside the replay header naming the letter it came from
            long badTotal =
                    badLetters.values().stream().mapToLong(Long::longValue).sum();
            List<ConsumerRecord<byte[], byte[]>> replays = KAFKA.readCommitted(fixed.inputTopic()).stream()
                    .filter(r -> r.headers().lastHeader(DeadLetterHeaders.REPLAY_OF) != null)
                    .toList();
            assertThat(replays)
                    .hasSize((int) letters)
                    .allSatisfy(DeadLetterReplayIT::carriesInputHeaders)
                    .allSatisfy(r -> assertThat(r.headers().headers(DeadLetterHeaders.REPLAY_OF))
                            .hasSize(1));
            List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readCommitted(fixed.dlqTopic());
            assertThat(dead).allSatisfy(DeadLetterReplayIT::carriesInputHeaders);
            assertThat(dead.stream().filter(r -> r.headers().lastHeader(DeadLetterHeaders.REPLAY_OF) != null))
                    .hasSize((int) badTotal);

            // replaying the refused orders again adds nothing clean: the job remembers their ids
            String again = CommandRun.ok(
                    "dlq",
                    "replay",
                    "--config",
                    fixedConfig.toString(),
                    "--reason",
                    "PAYLOAD_CONTRACT",
                    "--max",
                    "100000");
            assertThat(again)
                    .contains(String.format(java.util.Locale.ROOT, "replayed %,d dead letters", strictLetters));
            awaitInputConsumed(fixed);
            Checkpoints.await(cluster, job.getJobID(), 2);
            afterReplay.assertExact(KAFKA, fixed.inputTopic(), fixed.cleanTopic(), fixed.dlqTopic(), lake);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Headers of the producer's own, as a platform's records carry them: a trace id, and one without a value. */
    private static RecordHeaders headers(GeneratedRecord r) {
        RecordHeaders h = new RecordHeaders();
        h.add(
                "trace",
                ("t-" + r.timestamp() + "-" + java.util.Arrays.hashCode(r.value())).getBytes(StandardCharsets.UTF_8));
        h.add("no-value", null);
        return h;
    }

    private static void carriesInputHeaders(ConsumerRecord<byte[], byte[]> r) {
        assertThat(r.headers().lastHeader("trace")).as("trace header").isNotNull();
        assertThat(new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
                .startsWith("t-");
        assertThat(r.headers().lastHeader("no-value"))
                .as("header without a value")
                .isNotNull();
        assertThat(r.headers().lastHeader("no-value").value()).isNull();
    }

    /** The built-in contracts with order.created's currency narrowed to EUR. */
    private Path strictContracts() throws Exception {
        Path dir = tmp.resolve("contracts-strict");
        Files.createDirectories(dir);
        Map<String, String> texts = PayloadContracts.Texts.builtIn().byType();
        Files.writeString(dir.resolve("index.txt"), String.join("\n", texts.keySet()) + "\n");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String text = e.getValue();
            if (e.getKey().equals("order.created")) {
                String narrowed = text.replace(
                        "\"currency\": {\"type\": \"string\", \"pattern\": \"^[A-Z]{3}$\"}",
                        "\"currency\": {\"enum\": [\"EUR\"]}");
                assertThat(narrowed).isNotEqualTo(text);
                text = narrowed;
            }
            Files.writeString(dir.resolve(e.getKey() + ".json"), text);
        }
        return dir;
    }

    private static boolean notInEuro(byte[] value) {
        try {
            Event e = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load()).decode(value);
            if (!e.getType().equals("order.created")) {
                return false;
            }
            JsonNode payload = JSON.readTree(e.getPayload());
            return !payload.path("currency").asText().equals("EUR");
        } catch (Exception notAnEvent) {
            return false;
        }
    }

    private static JobClient start(IngestConfig config, String savepoint) throws Exception {
        Configuration c = config.runtime().toConfiguration();
        if (savepoint != null) {
            c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        IngestJob.addTo(env, config);
        return env.executeAsync(config.runtime().jobName());
    }

    private static void awaitExact(
            MiniCluster cluster, JobClient job, IngestConfig config, IngestExpectations expected, Path lake)
            throws Exception {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> expected.reached(KAFKA, config.cleanTopic(), config.dlqTopic(), lake));
        Checkpoints.await(cluster, job.getJobID(), 2);
        expected.assertExact(KAFKA, config.inputTopic(), config.cleanTopic(), config.dlqTopic(), lake);
    }

    /**
     * Waits until the job's consumer group has committed, on a checkpoint, the offset after the last record of every
     * input partition (not the end offset: a transaction's commit marker follows the last record).
     */
    private static void awaitInputConsumed(IngestConfig config) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (var r : KAFKA.readCommitted(config.inputTopic())) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                        config.groupId())
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS);
                        return next.entrySet().stream()
                                .allMatch(e -> committed.containsKey(e.getKey())
                                        && committed.get(e.getKey()).offset() >= e.getValue());
                    });
        }
    }
}
