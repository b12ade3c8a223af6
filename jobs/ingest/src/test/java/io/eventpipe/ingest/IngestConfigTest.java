package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.kafka.SinkDelivery;
import io.eventpipe.common.kafka.StartingOffsets;
import io.eventpipe.common.kafka.StoppingOffsets;
import io.eventpipe.testkit.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", "localhost:9092");
        m.put("lake.path", "file:///tmp/lake");
        return m;
    }

    private static IngestConfig with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return IngestConfig.from(Settings.of(m));
    }

    @Test
    void defaultsAreUsable() {
        IngestConfig c = IngestConfig.from(Settings.of(minimal()));
        assertThat(c.groupId()).isEqualTo("eventpipe-ingest");
        assertThat(c.cleanTransactionalIdPrefix()).isEqualTo("eventpipe-ingest-clean");
        assertThat(c.dlqTransactionalIdPrefix()).isEqualTo("eventpipe-ingest-dlq");
        assertThat(c.dedupTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED_OR_EARLIEST);
        assertThat(c.runtime().maxParallelism()).isEqualTo(128);
    }

    @Test
    void timeRangesAreReadAsInstantsAndMustNotBeEmpty() {
        IngestConfig c = IngestConfig.from(Settings.of(minimal()));
        assertThat(c.stoppingOffsets()).isEqualTo(StoppingOffsets.NONE);
        assertThat(c.stoppingOffsets().initializer()).isNull();

        Map<String, String> m = minimal();
        m.put("source.starting-offsets", "timestamp:2026-11-01T01:00:00+01:00");
        m.put("source.stopping-offsets", "TIMESTAMP:2026-11-02T00:00:00Z");
        c = IngestConfig.from(Settings.of(m));
        assertThat(c.startingOffsets()).isEqualTo(StartingOffsets.timestamp(Instant.parse("2026-11-01T00:00:00Z")));
        assertThat(c.stoppingOffsets()).isEqualTo(StoppingOffsets.timestamp(Instant.parse("2026-11-02T00:00:00Z")));
        assertThat(c.stoppingOffsets().bounded()).isTrue();
        assertThat(with("source.stopping-offsets", "latest").stoppingOffsets()).isEqualTo(StoppingOffsets.LATEST);

        m.put("source.stopping-offsets", "timestamp:2026-11-01T00:00:00Z");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(m)))
                .hasMessageContaining("source.stopping-offsets: timestamp:2026-11-01T00:00:00Z must be after "
                        + "source.starting-offsets timestamp:2026-11-01T00:00:00Z");
        // a time without a zone would depend on the machine's zone
        assertThatThrownBy(() -> with("source.starting-offsets", "timestamp:2026-11-01T00:00:00"))
                .hasMessageContaining("source.starting-offsets: 'timestamp:2026-11-01T00:00:00' '2026-11-01T00:00:00' "
                        + "is not an ISO-8601 instant with a zone");
        assertThatThrownBy(() -> with("source.stopping-offsets", "earliest"))
                .hasMessageContaining("source.stopping-offsets: 'earliest' must be one of none, latest or "
                        + "timestamp:<ISO-8601 instant>");
        assertThatThrownBy(() -> with("source.starting-offsets", "timestamp:1969-12-31T23:59:59Z"))
                .hasMessageContaining("is before 1970");
    }

    @Test
    void contractsComeFromADirectoryWhenOneIsGiven(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(IngestConfig.from(Settings.of(minimal())).contracts())
                .isEqualTo(io.eventpipe.common.validate.PayloadContracts.Texts.builtIn());
        assertThatThrownBy(() -> with("validation.contracts-dir", dir.toString()))
                .hasMessageContaining("validation.contracts-dir: no index.txt in " + dir);
        Files.writeString(dir.resolve("index.txt"), "order.created\n");
        Files.writeString(dir.resolve("order.created.json"), "{\"type\": \"object\"}");
        assertThat(with("validation.contracts-dir", dir.toString()).contracts().byType())
                .isEqualTo(Map.of("order.created", "{\"type\": \"object\"}"));
    }

    @Test
    void missingRequiredKeyIsNamed() {
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of("lake.path", "file:///x"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap-servers: is required");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "k:9092"))))
                .hasMessageContaining("lake.path: is required");
    }

    @Test
    void wrongTypesAndUnknownKeysAreNamedWithTheirValue() {
        assertThatThrownBy(() -> with("dedup.ttl", "forever"))
                .hasMessageContaining("dedup.ttl: 'forever' must be a duration");
        assertThatThrownBy(() -> with("source.starting-offsets", "beginning"))
                .hasMessageContaining("source.starting-offsets: 'beginning' must be one of committed-or-earliest");
        assertThatThrownBy(() -> with("dedup.tll", "1h"))
                .hasMessageContaining("dedup.tll: unknown key (did you mean dedup.ttl?)");
    }

    @Test
    void sinksMayNotShareATransactionalIdPrefix() {
        Map<String, String> m = minimal();
        m.put("sink.clean.transactional-id-prefix", "same");
        m.put("sink.dlq.transactional-id-prefix", "same");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(m)))
                .hasMessageContaining(
                        "sink.clean.transactional-id-prefix, sink.dlq.transactional-id-prefix: both " + "are 'same'");
    }

    @Test
    void transactionTimeoutIsCheckedAgainstCheckpointsAndTheBroker() {
        assertThatThrownBy(() -> with("sink.transaction-timeout", "16min"))
                .hasMessageContaining(
                        "sink.transaction-timeout: '16 min' exceeds kafka.transaction-max-timeout (15 min)");
        assertThatThrownBy(() -> with("sink.transaction-timeout", "2min"))
                .hasMessageContaining("sink.transaction-timeout: '2 min' must exceed checkpoint.interval + "
                        + "checkpoint.timeout (310 s)");
    }

    /** At-least-once sinks use no transactions, so their timeout and prefixes are not checked; a typo is named. */
    @Test
    void deliveryGuaranteeIsExactlyOnceUnlessSetAndAtLeastOnceSkipsTheTransactionChecks() {
        assertThat(IngestConfig.from(Settings.of(minimal())).deliveryGuarantee())
                .isEqualTo(SinkDelivery.EXACTLY_ONCE);
        Map<String, String> m = minimal();
        m.put("sink.delivery-guarantee", "at-least-once");
        m.put("sink.transaction-timeout", "16min");
        assertThat(IngestConfig.from(Settings.of(m)).deliveryGuarantee()).isEqualTo(SinkDelivery.AT_LEAST_ONCE);
        assertThatThrownBy(() -> with("sink.delivery-guarantee", "exactly_once"))
                .hasMessageContaining(
                        "sink.delivery-guarantee: 'exactly_once' must be one of exactly-once, " + "at-least-once");
    }

    @Test
    void managedKafkaPropertiesAreRejected() {
        assertThatThrownBy(() -> with("kafka.properties.isolation.level", "read_uncommitted"))
                .hasMessageContaining("kafka.properties.isolation.level: is managed by the job");
        assertThatThrownBy(() -> with("kafka.properties.transactional.id", "x"))
                .hasMessageContaining("kafka.properties.transactional.id: is managed by the job");
        IngestConfig ok = with("kafka.properties.security.protocol", "SASL_SSL");
        assertThat(ok.kafka().clientConfig()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void sizeLimitMustLeaveRoomForDeadLetterHeaders() {
        assertThatThrownBy(() -> with("validation.max-record-bytes", "1mb"))
                .hasMessageContaining("validation.max-record-bytes: 1048576 plus 8192 bytes of dead-letter headers "
                        + "exceeds the producer's max.request.size (1048576)");
        Map<String, String> m = minimal();
        m.put("validation.max-record-bytes", "1mb");
        m.put("kafka.properties.max.request.size", "2097152");
        assertThat(IngestConfig.from(Settings.of(m)).validation().maxRecordBytes())
                .isEqualTo(1048576);
    }

    @Test
    void topicsMustDiffer() {
        assertThatThrownBy(() -> with("topics.clean", "events")).hasMessageContaining("must be three different topics");
    }

    @Test
    void secretsNeverAppearInErrorsOrToString() {
        Map<String, String> m = minimal();
        m.put("kafka.properties.sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"s3cr3t\";");
        m.put("dedup.ttl", "bad");
        assertThatThrownBy(() -> IngestConfig.from(Settings.of(m))).hasMessageNotContaining("s3cr3t");
        m.remove("dedup.ttl");
        assertThat(IngestConfig.from(Settings.of(m)).toString()).doesNotContain("s3cr3t");
    }

    @Test
    void shippedExampleConfigsAreValid() throws Exception {
        try (Stream<Path> files = Files.list(Repo.path("deploy/config"))) {
            List<Path> ingest = files.filter(p -> p.getFileName().toString().startsWith("ingest"))
                    .toList();
            assertThat(ingest).isNotEmpty();
            for (Path p : ingest) {
                Settings s = Settings.load(p, List.of(), name -> "value-of-" + name);
                assertThat(IngestConfig.from(s).inputTopic()).as(p.toString()).isNotBlank();
            }
        }
    }
}
