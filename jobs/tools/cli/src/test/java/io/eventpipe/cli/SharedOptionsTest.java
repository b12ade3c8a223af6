package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.common.config.Option;
import io.eventpipe.ingest.IngestConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A key both jobs read means the same in both: one definition (type, description, default), shared; only the job
 * name's default is each job's own.
 */
class SharedOptionsTest {
    private static Map<String, Option<?>> byKey(List<Option<?>> options) {
        assertThat(options).extracting(Option::key).doesNotHaveDuplicates();
        return options.stream().collect(Collectors.toMap(Option::key, Function.identity()));
    }

    @Test
    void keysBothJobsReadHaveOneDefinition() {
        Map<String, Option<?>> ingest = byKey(IngestConfig.options());
        Map<String, Option<?>> aggregate = byKey(AggregateConfig.options());
        List<String> shared =
                ingest.keySet().stream().filter(aggregate::containsKey).sorted().toList();
        assertThat(shared)
                .contains(
                        "kafka.bootstrap-servers",
                        "source.group-id",
                        "source.idleness",
                        "topics.dlq",
                        "sink.transaction-timeout",
                        "sink.dlq.transactional-id-prefix",
                        "checkpoint.interval",
                        "job.name");
        for (String key : shared) {
            Option<?> a = ingest.get(key);
            Option<?> b = aggregate.get(key);
            assertThat(List.of(a.type(), a.description(), a.deprecatedKeys()))
                    .as(key)
                    .isEqualTo(List.of(b.type(), b.description(), b.deprecatedKeys()));
            if (!key.equals("job.name")) {
                assertThat(a.defaultValue()).as(key).isEqualTo(b.defaultValue());
            }
        }
    }
}
