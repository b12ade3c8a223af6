package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.config.Settings;
import io.eventpipe.testkit.UidCheck;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

class UidsTest {
    @Test
    void everyOperatorHasAUidFromTheConstants() throws Exception {
        UidCheck.assertUidsFrom(
                graph(Map.of("kafka.bootstrap-servers", "localhost:9092", "lake.path", "file:///tmp/lake")),
                Uids.class);
    }

    /** Operator names are the fixed constants, the same whatever the topics and paths are. */
    @Test
    void operatorNamesAreFixedAndFreeOfConfigurationValues() throws Exception {
        StreamGraph first = graph(Map.of("kafka.bootstrap-servers", "localhost:9092", "lake.path", "file:///tmp/lake"));
        StreamGraph second = graph(Map.of(
                "kafka.bootstrap-servers",
                "kafka-1:9093",
                "lake.path",
                "file:///tmp/orders-lake",
                "topics.input",
                "orders",
                "topics.clean",
                "orders.clean",
                "topics.dlq",
                "orders.dlq"));
        UidCheck.assertNamesFrom(first, OperatorNames.class);
        assertThat(UidCheck.names(second))
                .isEqualTo(UidCheck.names(first))
                .noneMatch(
                        n -> n.contains("orders") || n.contains("events") || n.contains("/tmp") || n.contains("file:"));
    }

    private static StreamGraph graph(Map<String, String> settings) {
        IngestConfig config = IngestConfig.from(Settings.of(settings));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        IngestJob.addTo(env, config);
        return env.getStreamGraph();
    }
}
