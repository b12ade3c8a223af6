package io.eventpipe.ingest;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.kafka.KafkaPreflight.PreflightException;
import io.eventpipe.common.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThatCode(() -> IngestJob.preflight(config(KAFKA.bootstrapServers(), "ok"))).doesNotThrowAnyException();
    }

    @Test
    void missingTopicsAreNamedWithTheirKeys() throws Exception {
        KAFKA.createTopics(1, "partial.events");
        assertThatThrownBy(() -> IngestJob.preflight(config(KAFKA.bootstrapServers(), "partial")))
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
        long start = System.nanoTime();
        assertThatThrownBy(() -> IngestJob.preflight(config("127.0.0.1:" + port, "x")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("kafka.bootstrap-servers");
        org.assertj.core.api.Assertions.assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
    }

    @Test
    void badConfigurationStopsMainNamingTheKey() {
        assertThatThrownBy(() -> IngestJob.main(new String[] {"--set", "kafka.bootstrap-servers=localhost:1",
                "--set", "lake.enabled=false", "--set", "sink.dlq.archive-path=file:///tmp/x", "--set",
                "checkpoint.interval=often"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoint.interval: 'often' must be a duration");
        assertThatThrownBy(() -> IngestJob.main(new String[] {"--config", "/nonexistent/ingest.yaml"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config: file /nonexistent/ingest.yaml does not exist");
    }
}
