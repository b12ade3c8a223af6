package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.kafka.KafkaPreflight.PreflightException;
import io.eventpipe.testkit.KafkaBrokerExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A misconfigured job fails at start-up with a message that says what is wrong, instead of restart-looping. */
class IngestStartupIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static IngestConfig config(String bootstrap, String prefix) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("kafka.request-timeout", "3s");
        m.put("topics.input", prefix + ".events");
        m.put("topics.clean", prefix + ".clean");
        m.put("topics.dlq", prefix + ".dlq");
        m.put("lake.enabled", "false");
        m.put("sink.dlq.archive-path", "file:///tmp/eventpipe-test/dead-letters");
        return IngestConfig.from(Settings.of(m));
    }

    @Test
    void existingTopicsPass() throws Exception {
        KAFKA.createTopics(1, "ok.events", "ok.clean", "ok.dlq");
        assertThatCode(() -> IngestJob.startupChecks(config(KAFKA.bootstrapServers(), "ok")))
                .doesNotThrowAnyException();
    }

    @Test
    void aCleanTopicThatWouldRefuseEventTimesFailsStartUpNamingTheKey() throws Exception {
        // Kafka's default: a record more than an hour ahead of the broker's clock is refused. The input topic takes
        // such a record an hour ahead; its event time may lead that by validation.max-future-skew (5 min), and the
        // clean record carries the event time, so a clean topic with the same default could refuse it.
        Map<String, String> hour = Map.of("message.timestamp.after.max.ms", "3600000");
        KAFKA.createTopic("ts.events", 1, hour);
        KAFKA.createTopic("ts.clean", 1, hour);
        KAFKA.createTopics(1, "ts.dlq");
        assertThatThrownBy(() -> IngestJob.startupChecks(config(KAFKA.bootstrapServers(), "ts")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("topic 'ts.clean' (topics.clean) has message.timestamp.after.max.ms 3600000")
                .hasMessageContaining("validation.max-future-skew")
                .hasMessageContaining("at least 3900000");
        KAFKA.createTopic("ts2.events", 1, hour);
        KAFKA.createTopic("ts2.clean", 1, Map.of("message.timestamp.after.max.ms", "3900000"));
        KAFKA.createTopics(1, "ts2.dlq");
        assertThatCode(() -> IngestJob.startupChecks(config(KAFKA.bootstrapServers(), "ts2")))
                .doesNotThrowAnyException();
    }

    @Test
    void aDeadLetterTopicTooSmallForTheLimitFailsStartUpNamingTheKey() throws Exception {
        KAFKA.createTopics(1, "small.events", "small.clean");
        KAFKA.createTopic("small.dlq", 1, Map.of("max.message.bytes", "500000"));
        assertThatThrownBy(() -> IngestJob.startupChecks(config(KAFKA.bootstrapServers(), "small")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("topic 'small.dlq' (topics.dlq) has max.message.bytes 500000")
                .hasMessageContaining("lower sink.dlq.max-record-bytes to 491808");
    }

    @Test
    void missingTopicsAreNamedWithTheirKeys() throws Exception {
        KAFKA.createTopics(1, "partial.events");
        assertThatThrownBy(() -> IngestJob.startupChecks(config(KAFKA.bootstrapServers(), "partial")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("topic 'partial.clean' (topics.clean) does not exist")
                .hasMessageContaining("topic 'partial.dlq' (topics.dlq) does not exist")
                .hasMessageNotContaining("partial.events'");
    }

    @Test
    void unreachableBrokersFailFastNamingTheKey() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free, and closed again: nothing listens there
        }
        // the check gives up after kafka.request-timeout (3 s here), not after the client's minute-long defaults;
        // the message says so, which no wall-clock bound has to prove on a slow machine
        assertThatThrownBy(() -> IngestJob.startupChecks(config("127.0.0.1:" + port, "x")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("kafka.bootstrap-servers")
                .hasMessageContaining("did not answer within " + Duration.ofSeconds(3));
    }

    @Test
    void badConfigurationStopsMainNamingTheKey() {
        assertThatThrownBy(() -> IngestJob.main(new String[] {
                    "--set",
                    "kafka.bootstrap-servers=localhost:1",
                    "--set",
                    "lake.enabled=false",
                    "--set",
                    "sink.dlq.archive-path=file:///tmp/x",
                    "--set",
                    "checkpoint.interval=often"
                }))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoint.interval: 'often' must be a duration");
        assertThatThrownBy(() -> IngestJob.main(new String[] {"--config", "/nonexistent/ingest.yaml"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config: file /nonexistent/ingest.yaml does not exist");
    }
}
