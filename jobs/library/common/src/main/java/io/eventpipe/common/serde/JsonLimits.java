package io.eventpipe.common.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Bounds on JSON read from records (JSON input and every payload), so that neither parsing nor what is built from
 * the parsed numbers (window sums, their text in the results) can grow beyond the record's own size.
 *
 * @param maxNestingDepth deepest nesting of objects and arrays
 * @param maxNumberLength longest number, in characters
 * @param maxStringLength longest string, in characters
 * @param maxIntegerDigits most digits before the decimal point of any number (1e25 has 26)
 * @param maxFractionDigits most digits after the decimal point, trailing zeros aside (1e-30 has 30)
 */
public record JsonLimits(
        int maxNestingDepth, int maxNumberLength, int maxStringLength, int maxIntegerDigits, int maxFractionDigits)
        implements Serializable {

    public static final JsonLimits DEFAULTS = new JsonLimits(64, 100, 1_000_000, 20, 20);

    /**
     * A mapper that enforces the parse-time bounds and keeps every non-integer as the decimal it was written (so
     * {@code 1e9999999} is a small {@link BigDecimal}, not infinity, and sums are exact).
     */
    public ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxNumberLength(maxNumberLength)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
        return new ObjectMapper(factory).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** Whether a parse failure is one of these bounds (rather than text that is not JSON). */
    public static boolean isLimit(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
                return true;
            }
        }
        return false;
    }

    /** The first number in {@code root} outside the digit bounds, described, or null if there is none. */
    public String numberProblem(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isNumber()) {
                String p = numberProblem(n.decimalValue());
                if (p != null) {
                    return p;
                }
            } else if (n.isContainerNode()) {
                for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                    todo.push(it.next());
                }
            }
        }
        return null;
    }

    /** Null if {@code v} is within the digit bounds, else why not. */
    public String numberProblem(BigDecimal v) {
        long integerDigits = (long) v.precision() - v.scale();
        if (integerDigits > maxIntegerDigits) {
            return "a number has " + integerDigits + " integer digits, more than " + maxIntegerDigits;
        }
        if (v.scale() > maxFractionDigits) {
            int fraction = v.stripTrailingZeros().scale();
            if (fraction > maxFractionDigits) {
                return "a number has " + fraction + " fraction digits, more than " + maxFractionDigits;
            }
        }
        return null;
    }
}
