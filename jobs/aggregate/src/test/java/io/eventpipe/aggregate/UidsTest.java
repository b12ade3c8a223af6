package io.eventpipe.aggregate;

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
                graph(Map.of(
                        "kafka.bootstrap-servers",
                        "localhost:9092",
                        "postgres.url",
                        "jdbc:postgresql://localhost/x",
                        "postgres.user",
                        "u",
                        "sink.dlq.archive-path",
                        "file:///tmp/dead-letters")),
                Uids.class);
    }

    /** Operator names are the fixed constants, the same whatever the topics and database are. */
    @Test
    void operatorNamesAreFixedAndFreeOfConfigurationValues() throws Exception {
        StreamGraph first = graph(Map.of(
                "kafka.bootstrap-servers",
                "localhost:9092",
                "postgres.url",
                "jdbc:postgresql://localhost/x",
                "postgres.user",
                "u",
                "sink.dlq.archive-path",
                "file:///tmp/dead-letters"));
        StreamGraph second = graph(Map.of(
                "kafka.bootstrap-servers",
                "kafka-1:9093",
                "postgres.url",
                "jdbc:postgresql://db/analytics",
                "postgres.user",
                "u",
                "sink.dlq.archive-path",
                "file:///tmp/orders-dead-letters",
                "topics.clean",
                "orders.clean",
                "topics.results",
                "orders.stats",
                "topics.late",
                "orders.late",
                "topics.dlq",
                "orders.dlq"));
        UidCheck.assertNamesFrom(first, OperatorNames.class);
        assertThat(UidCheck.names(second))
                .isEqualTo(UidCheck.names(first))
                .noneMatch(
                        n -> n.contains("orders") || n.contains("events") || n.contains("/tmp") || n.contains("file:"));
    }

    private static StreamGraph graph(Map<String, String> settings) {
        AggregateConfig config = AggregateConfig.from(Settings.of(settings));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        return env.getStreamGraph();
    }
}
