package io.eventpipe.aggregate;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.testing.UidCheck;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.Map;

class UidsTest {
    @Test
    void everyOperatorHasAUidFromTheConstants() throws Exception {
        AggregateConfig config = AggregateConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "localhost:9092",
                "postgres.url", "jdbc:postgresql://localhost/x", "postgres.user", "u",
                "sink.dlq.archive-path", "file:///tmp/dead-letters")));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        UidCheck.assertUidsFrom(env.getStreamGraph(), Uids.class);
    }
}
