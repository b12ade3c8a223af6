package io.eventpipe.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.aggregate.functions.MetricSpec;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.testkit.Repo;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregateConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", "localhost:9092");
        m.put("postgres.url", "jdbc:postgresql://db:5432/analytics");
        m.put("postgres.user", "eventpipe");
        m.put("sink.dlq.archive-path", "s3://bucket/dead-letters");
        return m;
    }

    private static AggregateConfig with(String... kv) {
        Map<String, String> m = minimal();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return AggregateConfig.from(Settings.of(m));
    }

    @Test
    void defaults() {
        AggregateConfig c = with();
        assertThat(c.windowSize()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.inputTopic()).isEqualTo("events.clean");
        assertThat(c.resultsTransactionalIdPrefix()).isEqualTo("eventpipe-aggregate-results");
        assertThat(c.lateTransactionalIdPrefix()).isEqualTo("eventpipe-aggregate-late");
    }

    @Test
    void metricsArePerTypeAndCheckedForSyntax() {
        AggregateConfig c = with("aggregate.metrics.order.created", "sum(amount), max(items.0.quantity)");
        assertThat(c.metrics().get("order.created"))
                .extracting(MetricSpec::name)
                .containsExactly("sum_amount", "max_items_0_quantity");
        assertThatThrownBy(() -> with("aggregate.metrics.order.created", "avg(amount)"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aggregate.metrics.order.created: 'avg(amount)' is not sum(field), min(field) "
                        + "or max(field)");
    }

    @Test
    void postgresSettingsAreRequiredAndThePasswordNeverShown() {
        assertThatThrownBy(() -> AggregateConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "k:9092"))))
                .hasMessageContaining("postgres.url: is required")
                .hasMessageContaining("postgres.user: is required");
        assertThatThrownBy(() -> with("postgres.url", "mysql://db/x"))
                .hasMessageContaining("postgres.url: 'mysql://db/x' must start with jdbc:postgresql:");
        AggregateConfig c = with("postgres.password", "s3cr3t-pw");
        assertThat(c.toString()).doesNotContain("s3cr3t-pw");
        assertThatThrownBy(() -> with("postgres.password", "s3cr3t-pw", "window.size", "long"))
                .hasMessageContaining("window.size: 'long' must be a duration")
                .hasMessageNotContaining("s3cr3t-pw");
    }

    @Test
    void transactionalSinksNeedTheirOwnPrefixes() {
        assertThatThrownBy(() ->
                        with("sink.results.transactional-id-prefix", "p", "sink.late.transactional-id-prefix", "p"))
                .hasMessageContaining(
                        "sink.results.transactional-id-prefix, sink.late.transactional-id-prefix: " + "both are 'p'");
    }

    @Test
    void topicsMustDiffer() {
        assertThatThrownBy(() -> with("topics.late", "events.stats"))
                .hasMessageContaining("must be four different topics");
    }

    @Test
    void shippedExampleIsValid() {
        Settings s = Settings.load(Repo.path("deploy/config/aggregate.yaml"), List.of(), name -> "value-of-" + name);
        assertThat(AggregateConfig.from(s).metrics()).containsKey("order.created");
    }
}
