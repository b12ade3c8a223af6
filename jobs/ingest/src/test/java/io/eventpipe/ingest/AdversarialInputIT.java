package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.AdversarialCorpus;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.Restarts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adversarial corpus (records over 1 MiB, lengths that lie, truncated and garbage bodies, invalid UTF-8, null and
 * empty keys and values, deep and huge JSON, numbers with huge exponents or thousands of digits, absurd times, ids
 * of 1 MB) mixed with valid events and duplicates, through the ingest job with its production connectors and
 * default size limits. The job must never restart, every bad record must be dead-lettered with its reason (records
 * too large for the dead-letter topic cut there and archived whole), and the valid events must be exactly once in
 * the clean topic and the lake.
 */
class AdversarialInputIT {
    private static final int PARTITIONS = 3;
    private static final long MAX_RECORD_BYTES = 1_000_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    private IngestConfig config(String name, EventFormat format) {
        Map<String, String> m = IngestRuns.baseConfig(name);
        m.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
        m.put("source.format", format.name().toLowerCase(java.util.Locale.ROOT));
        m.put("validation.max-record-bytes", Long.toString(MAX_RECORD_BYTES));
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        // a failure would fail the job after one restart: the test asserts there is none
        m.put("restart.attempts", "1");
        m.put("restart.delay", "1s");
        m.put("lake.path", tmp.resolve("lake").toUri().toString());
        return IngestConfig.from(Settings.of(m));
    }

    @Test
    void avroCorpusLeavesTheJobRunningWithExactOutputs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        run(cluster, "hostile-avro", EventFormat.AVRO, 12_500, 10_000);
    }

    @Test
    void jsonCorpusLeavesTheJobRunningWithExactOutputs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        run(cluster, "hostile-json", EventFormat.JSON, 3_000, 3_000);
    }

    private void run(MiniCluster cluster, String name, EventFormat format, int corpusSize, int normal)
            throws Exception {
        IngestConfig config = config(name, format);
        // a topic that takes records up to 3 MiB, as many production topics do
        KAFKA.createTopic(config.inputTopic(), PARTITIONS, Map.of("max.message.bytes", "3145728"));
        KAFKA.createTopics(PARTITIONS, config.cleanTopic(), config.dlqTopic());
        long now = System.currentTimeMillis();
        AdversarialCorpus corpus = new AdversarialCorpus(new AdversarialCorpus.Settings(format, MAX_RECORD_BYTES, 5));
        List<GeneratedRecord> hostile = corpus.generate(corpusSize, now);
        assertThat(hostile.stream().map(GeneratedRecord::kind).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(corpus.kinds())
                // the counts the README states
                .hasSize(format == EventFormat.AVRO ? 38 : 34);
        assertThat(hostile).anySatisfy(r -> assertThat(r.size()).isGreaterThan(1 << 20));
        if (format == EventFormat.AVRO) {
            // the corpus the issue asks for: at least 10,000 bad records
            assertThat(hostile.stream()
                            .filter(r -> r.expected() == GeneratedRecord.Expected.DEAD_LETTER)
                            .count())
                    .isGreaterThanOrEqualTo(10_000);
        }
        List<GeneratedRecord> records = interleave(hostile, ordinary(format, normal, now), new Random(3));

        JobClient job = IngestRuns.start(config);
        try {
            try (KafkaProducer<byte[], byte[]> p = KAFKA.largeRecordProducer()) {
                for (GeneratedRecord r : records) {
                    p.send(r.toProducerRecord(config.inputTopic()));
                }
                p.flush();
            }
            IngestExpectations expected =
                    IngestExpectations.of(records, config.deadLetterLimit().maxRecordBytes());
            assertThat(expected.archived()).isNotEmpty();
            Path lake = tmp.resolve("lake");
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> expected.reached(KAFKA, config.cleanTopic(), config.dlqTopic(), lake));
            Checkpoints.await(cluster, job.getJobID(), 2);
            expected.assertExact(KAFKA, config.inputTopic(), config.cleanTopic(), config.dlqTopic(), lake);
            expected.assertArchiveExact(lake.resolve("_dead_letters"));
            assertHeadersOnLetters(records, config);
            assertThat(Restarts.of(cluster, job.getJobID())).as("restarts").isZero();
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Hostile headers on the letters: one named like a letter's own is not copied (each letter has one reason, its
     * own), the others are (a header without a value too), and a header too large for the letter is dropped and
     * counted, its record archived whole.
     */
    private static void assertHeadersOnLetters(List<GeneratedRecord> records, IngestConfig config) {
        long named = records.stream()
                .filter(r -> r.kind().endsWith("dlq-named-headers"))
                .count();
        long huge = records.stream()
                .filter(r -> r.kind().endsWith("huge-header-bad"))
                .count();
        assertThat(named).isPositive();
        assertThat(huge).isPositive();
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> letters =
                KAFKA.readCommitted(config.dlqTopic());
        assertThat(letters)
                .allSatisfy(r -> assertThat(r.headers().headers(DeadLetterHeaders.REASON))
                        .hasSize(1));
        assertThat(letters.stream().filter(r -> r.headers().lastHeader("no-value") != null))
                .hasSize((int) named)
                .allSatisfy(r -> {
                    assertThat(r.headers().lastHeader("no-value").value()).isNull();
                    assertThat(new String(
                                    r.headers()
                                            .lastHeader(DeadLetterHeaders.REASON)
                                            .value(),
                                    java.nio.charset.StandardCharsets.UTF_8))
                            .isEqualTo("UNDECODABLE");
                    assertThat(r.headers().lastHeader(DeadLetterHeaders.CUT)).isNull();
                    assertThat(r.headers().lastHeader(DeadLetterHeaders.REPLAY_OF))
                            .isNotNull();
                });
        assertThat(letters.stream().filter(r -> r.headers().lastHeader(DeadLetterHeaders.HEADERS_DROPPED) != null))
                .hasSize((int) huge)
                .allSatisfy(r -> {
                    assertThat(r.headers().lastHeader("h0")).isNull();
                    assertThat(r.headers().lastHeader(DeadLetterHeaders.CUT)).isNotNull();
                });
    }

    /** Valid events with 10% duplicates and 1% of each ordinary bad kind (the corpus covers oversized ones). */
    private static List<GeneratedRecord> ordinary(EventFormat format, int count, long now) {
        Set<Reason> kinds = EnumSet.copyOf(EventGenerator.BAD_KINDS);
        kinds.remove(Reason.TOO_LARGE);
        EventGenerator gen = new EventGenerator(new EventGenerator.Settings(format, 0.10, 0.01, kinds, 0, 9));
        List<GeneratedRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(gen.next(now));
        }
        return out;
    }

    /** Both lists mixed at random, each keeping its own order (a duplicate still follows its original). */
    private static List<GeneratedRecord> interleave(List<GeneratedRecord> a, List<GeneratedRecord> b, Random random) {
        List<GeneratedRecord> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            boolean takeA = j >= b.size() || (i < a.size() && random.nextInt(a.size() + b.size()) < a.size());
            out.add(takeA ? a.get(i++) : b.get(j++));
        }
        return out;
    }
}
