package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.InMemory;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.MiniClusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The middle tier: the ingest topology (decode, validation, contracts, dedup, dead letters) through its seam, with an
 * in-memory source and sinks instead of Kafka and files, on a mini-cluster. The same outcomes as the Kafka tests, in
 * seconds: every valid event once in the clean and lake outputs, duplicates dropped, every bad record dead-lettered
 * with its reason, nothing else.
 */
class IngestTopologyTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    private static IngestConfig config(EventFormat format) {
        return IngestConfig.from(Settings.of(Map.of(
                "kafka.bootstrap-servers",
                "unused:9092",
                "lake.path",
                "file:///unused",
                "job.parallelism",
                "2",
                "source.format",
                format.name().toLowerCase(java.util.Locale.ROOT),
                "validation.max-record-bytes",
                "4kb")));
    }

    private static List<GeneratedRecord> generate(EventFormat format, long seed) {
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(format, 0.10, 0.02, EventGenerator.BAD_KINDS, 5000, seed));
        List<GeneratedRecord> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 4000; i++) {
            out.add(gen.next(now - 60_000 + i * 10L));
        }
        return out;
    }

    private static void run(EventFormat format, long seed) throws Exception {
        List<GeneratedRecord> records = generate(format, seed);
        List<RawRecord> raw = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord r = records.get(i);
            raw.add(new RawRecord(r.key(), r.value(), "events", 0, i, r.timestamp()));
        }
        IngestConfig config = config(format);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        InMemory.Collected<Event> clean = InMemory.sink();
        InMemory.Collected<Event> lake = InMemory.sink();
        InMemory.Collected<DeadLetter> dead = InMemory.sink();
        InMemory.Collected<DeadLetter> archive = InMemory.sink();
        IngestTopology.build(
                env,
                config,
                InMemory.source(raw, TypeInformation.of(RawRecord.class)),
                new IngestTopology.Sinks(clean, dead, Optional.of(lake), archive));
        env.execute("ingest topology " + format);

        IngestExpectations expected = IngestExpectations.of(records);
        assertThat(expected.deadLetters()).isNotEmpty();
        assertThat(clean.elements())
                .extracting(e -> e.getId())
                .containsExactlyInAnyOrderElementsOf(expected.cleanIds());
        assertThat(lake.elements()).extracting(e -> e.getId()).containsExactlyInAnyOrderElementsOf(expected.cleanIds());
        Map<String, Long> letters = new HashMap<>();
        for (DeadLetter d : dead.elements()) {
            letters.merge(IngestExpectations.fingerprint(d.value, d.reason), 1L, Long::sum);
            assertThat(d.message).as("the reason's message").isNotBlank();
        }
        assertThat(letters).isEqualTo(expected.deadLetters());
        assertThat(archive.elements()).isEmpty();
    }

    @Test
    void avroInputGivesExactOutputs() throws Exception {
        run(EventFormat.AVRO, 11);
    }

    @Test
    void jsonInputGivesExactOutputs() throws Exception {
        run(EventFormat.JSON, 12);
    }
}
