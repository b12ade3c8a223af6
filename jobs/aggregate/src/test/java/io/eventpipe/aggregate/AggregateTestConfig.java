package io.eventpipe.aggregate;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings the aggregate job's integration tests share; each test puts its own on top. */
final class AggregateTestConfig {
    private AggregateTestConfig() {}

    /**
     * Job {@code name} at parallelism 2 reading {@code <name>.clean} and writing {@code <name>.stats}, {@code .late}
     * and {@code .dlq}; one-minute windows with 30 s allowed lateness and 2 s out-of-orderness; checkpoints every
     * second under {@code tmp}.
     */
    static Map<String, String> base(
            String name, String bootstrapServers, Path tmp, String postgresUrl, String postgresUser) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", name);
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", bootstrapServers);
        m.put("topics.clean", name + ".clean");
        m.put("topics.results", name + ".stats");
        m.put("topics.late", name + ".late");
        m.put("topics.dlq", name + ".dlq");
        m.put("source.max-out-of-orderness", "2s");
        m.put("window.size", "1min");
        m.put("window.allowed-lateness", "30s");
        m.put("checkpoint.interval", "1s");
        m.put("checkpoint.timeout", "1min");
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("sink.dlq.archive-path", tmp.resolve("dead-letters").toUri().toString());
        m.put("sink.transaction-timeout", "5min");
        m.put("postgres.url", postgresUrl);
        m.put("postgres.user", postgresUser);
        m.put("postgres.batch-interval", "200ms");
        return m;
    }
}
