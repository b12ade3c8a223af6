package io.eventpipe.aggregate.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventpipe.common.serde.JsonLimits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowMetricsTest {
    private static final JsonLimits LIMITS = JsonLimits.DEFAULTS;

    private static JsonNode json(String text) throws Exception {
        return LIMITS.mapper().readTree(text);
    }

    private static WindowMetrics metrics(String specs) {
        return new WindowMetrics(MetricSpec.parseList(specs), LIMITS);
    }

    private static String[] run(WindowMetrics m, List<String> payloads) throws Exception {
        String[] values = new String[m.size()];
        for (String p : payloads) {
            m.add(values, json(p));
        }
        return values;
    }

    @Test
    void sumsAreExactDecimalsAndMinMaxCompareByValue() throws Exception {
        WindowMetrics m = metrics("sum(amount), min(amount), max(amount)");
        String[] v =
                run(m, List.of("{\"amount\": 10.10}", "{\"amount\": 0.20}", "{\"amount\": 1e1}", "{\"amount\": -0.3}"));
        assertThat(v).containsExactly("20", "-0.3", "10.1");
        assertThat(m.toJson(v)).isEqualTo("{\"sum_amount\":20,\"min_amount\":-0.3,\"max_amount\":10.1}");
    }

    @Test
    void theResultDoesNotDependOnTheOrderEventsArriveIn() throws Exception {
        WindowMetrics m = metrics("sum(amount), min(amount), max(amount)");
        List<String> payloads = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            payloads.add("{\"amount\": " + BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 2) + "}");
        }
        String[] first = run(m, payloads);
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(payloads, random);
            assertThat(run(m, payloads)).containsExactly(first);
        }
    }

    @Test
    void pathsReachIntoObjectsAndArrays() throws Exception {
        WindowMetrics m = metrics("sum(items.0.quantity), max(customer.score)");
        String[] v = run(
                m,
                List.of(
                        "{\"items\": [{\"quantity\": 2}, {\"quantity\": 5}], \"customer\": {\"score\": 3.5}}",
                        "{\"items\": [{\"quantity\": 4}], \"customer\": {\"score\": 1}}"));
        assertThat(m.toJson(v)).isEqualTo("{\"sum_items_0_quantity\":6,\"max_customer_score\":3.5}");
    }

    @Test
    void missingNonNumericAndOutOfBoundsValuesDoNotContribute() throws Exception {
        WindowMetrics m = metrics("sum(amount), max(other)");
        String[] v = run(
                m,
                List.of(
                        "{\"amount\": \"12\"}",
                        "{}",
                        "{\"amount\": null}",
                        "{\"amount\": [1]}",
                        "{\"amount\": 123456789012345678901234567890}",
                        "{\"amount\": 1e-40}",
                        "{\"amount\": 2}"));
        assertThat(v).containsExactly("2", null);
        // a metric that never got a value is left out of the results
        assertThat(m.toJson(v)).isEqualTo("{\"sum_amount\":2}");
        assertThat(m.toJson(new String[2])).isEqualTo("{}");
    }

    @Test
    void largeButAllowedNumbersAreWrittenPlainNeverInExponentForm() throws Exception {
        WindowMetrics m = metrics("sum(amount)");
        String[] v =
                run(m, List.of("{\"amount\": 9e19}", "{\"amount\": 9e19}", "{\"amount\": 0.00000000000000000001}"));
        assertThat(m.toJson(v)).isEqualTo("{\"sum_amount\":180000000000000000000.00000000000000000001}");
    }

    @Test
    void aWindowKeptWithFewerValuesThanMetricsKeepsItsLength() throws Exception {
        // a window begun before a metric was added to the config (restored from a savepoint)
        WindowMetrics m = metrics("sum(amount), max(amount)");
        String[] old = new String[1];
        m.add(old, json("{\"amount\": 4}"));
        assertThat(old).containsExactly("4");
        assertThat(m.toJson(old)).isEqualTo("{\"sum_amount\":4}");
    }
}
