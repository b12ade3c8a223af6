package io.eventpipe.ingest;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.testing.UidCheck;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.Map;

class UidsTest {
    @Test
    void everyOperatorHasAUidFromTheConstants() throws Exception {
        IngestConfig config = IngestConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "localhost:9092",
                "lake.path", "file:///tmp/lake")));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(config.runtime().toConfiguration());
        IngestJob.addTo(env, config);
        UidCheck.assertUidsFrom(env.getStreamGraph(), Uids.class);
    }
}
