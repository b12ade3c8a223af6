package io.eventpipe.aggregate.functions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventpipe.common.serde.JsonLimits;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/**
 * The numeric aggregates of one event type's windows: which payload numbers contribute, how they combine, and the
 * results' JSON. No state and no Flink: {@link WindowAggregator} keeps the values, one per metric in config order,
 * as exact decimals in text (null until a value arrives), so a sum does not depend on the order events arrive in.
 */
public final class WindowMetrics implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final List<MetricSpec> specs;
    private final JsonLimits limits;

    /**
     * @param specs  the type's metrics, in config order
     * @param limits the bounds events were validated with: a number outside them does not contribute, so sums and
     *               their text stay small whatever the input
     */
    public WindowMetrics(List<MetricSpec> specs, JsonLimits limits) {
        this.specs = List.copyOf(specs);
        this.limits = limits;
    }

    /** How many values a window of this type keeps. */
    public int size() {
        return specs.size();
    }

    /**
     * Adds a payload's numbers to {@code values} (one per metric; a shorter array, from a window that began with
     * fewer metrics, keeps its length). A field that is missing, not a number or out of bounds does not contribute.
     */
    public void add(String[] values, JsonNode payload) {
        for (int i = 0; i < specs.size() && i < values.length; i++) {
            BigDecimal v = number(payload, specs.get(i).field());
            if (v == null || limits.numberProblem(v) != null) {
                continue;
            }
            BigDecimal prev = values[i] == null ? null : new BigDecimal(values[i]);
            values[i] = combine(specs.get(i).function(), prev, v)
                    .stripTrailingZeros()
                    .toPlainString();
        }
    }

    /** {@code prev} combined with {@code v}; {@code prev} null = nothing yet. */
    static BigDecimal combine(MetricSpec.Function function, BigDecimal prev, BigDecimal v) {
        if (prev == null) {
            return v;
        }
        return switch (function) {
            case SUM -> prev.add(v);
            case MIN -> v.compareTo(prev) < 0 ? v : prev;
            case MAX -> v.compareTo(prev) > 0 ? v : prev;
        };
    }

    /**
     * The number at a dotted path ({@code amount}, {@code items.0.quantity}: a numeric part indexes an array), or
     * null when there is none.
     */
    static BigDecimal number(JsonNode payload, String path) {
        JsonNode n = payload;
        for (String part : path.split("\\.")) {
            if (n == null) {
                return null;
            }
            n = n.isArray() && part.chars().allMatch(Character::isDigit) ? n.get(Integer.parseInt(part)) : n.get(part);
        }
        return n != null && n.isNumber() ? n.decimalValue() : null;
    }

    /** {@code {"sum_amount":123.45,...}} in config order; metrics without any value are left out. */
    public String toJson(String[] values) {
        ObjectNode out = JSON.createObjectNode();
        for (int i = 0; i < specs.size() && i < values.length; i++) {
            if (values[i] != null) {
                out.put(specs.get(i).name(), new BigDecimal(values[i]));
            }
        }
        return out.toString();
    }
}
