package io.eventpipe.aggregate.functions;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One numeric aggregate of a payload field, written {@code sum(amount)}, {@code min(items.0.quantity)}. The field
 * is a dotted path into the payload JSON; events whose field is missing or not a number do not contribute.
 *
 * @param function sum, min or max
 * @param field dotted path into the payload
 */
public record MetricSpec(Function function, String field) implements Serializable {
    private static final Pattern SPEC =
            Pattern.compile("\\s*(sum|min|max)\\(\\s*([A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*)\\s*\\)\\s*");

    /** How values of one window combine. */
    public enum Function {
        SUM,
        MIN,
        MAX
    }

    /** Name in results: {@code sum_amount}, {@code max_items_0_quantity}. */
    public String name() {
        return function.name().toLowerCase(Locale.ROOT) + "_" + field.replace('.', '_');
    }

    /** Parses a comma-separated list; throws IllegalArgumentException naming the bad part. */
    public static List<MetricSpec> parseList(String text) {
        List<MetricSpec> out = new ArrayList<>();
        for (String part : text.split(",")) {
            Matcher m = SPEC.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not sum(field), min(field) or max(field)");
            }
            out.add(new MetricSpec(Function.valueOf(m.group(1).toUpperCase(Locale.ROOT)), m.group(2)));
        }
        return out;
    }
}
