package io.eventpipe.common.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

/**
 * A typed configuration key with its default and description.
 *
 * @param <T> the value type
 */
public final class Option<T> {
    private final String key;
    private final String type;
    private final Function<String, T> parser;
    private final String defaultValue;
    private final String description;
    private final List<String> deprecatedKeys;

    private Option(String key, String type, Function<String, T> parser, String defaultValue, String description) {
        this(key, type, parser, defaultValue, description, List.of());
    }

    private Option(
            String key,
            String type,
            Function<String, T> parser,
            String defaultValue,
            String description,
            List<String> deprecatedKeys) {
        this.key = Objects.requireNonNull(key);
        this.type = type;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.description = description;
        this.deprecatedKeys = List.copyOf(deprecatedKeys);
    }

    /**
     * This option, also read from older names: a configuration that still uses one keeps working, and start-up
     * logs a warning naming this key ({@link Settings#read}). Setting both is an error.
     */
    public Option<T> withDeprecatedKeys(String... oldKeys) {
        return new Option<>(key, type, parser, defaultValue, description, List.of(oldKeys));
    }

    /**
     * An option of any type: {@code parser} turns the text into a value or throws {@link IllegalArgumentException}
     * saying what is accepted; {@code type} names the accepted values in the reference.
     */
    public static <T> Option<T> of(
            String key, String type, Function<String, T> parser, String defaultValue, String description) {
        return new Option<>(key, type, parser, defaultValue, description);
    }

    public static Option<String> string(String key, String defaultValue, String description) {
        return new Option<>(
                key,
                "string",
                s -> {
                    if (s.isBlank()) {
                        throw new IllegalArgumentException("must not be empty");
                    }
                    return s;
                },
                defaultValue,
                description);
    }

    public static Option<Integer> integer(String key, int min, Integer defaultValue, String description) {
        return new Option<>(
                key,
                "integer >= " + min,
                s -> {
                    int v;
                    try {
                        v = Integer.parseInt(s.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("must be a whole number");
                    }
                    if (v < min) {
                        throw new IllegalArgumentException("must be >= " + min);
                    }
                    return v;
                },
                defaultValue == null ? null : defaultValue.toString(),
                description);
    }

    public static Option<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Option<>(
                key,
                "boolean",
                s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("must be true or false");
                },
                Boolean.toString(defaultValue),
                description);
    }

    /** A positive duration such as {@code 500ms}, {@code 10s}, {@code 15min}, {@code 24h}, {@code 7d}. */
    public static Option<Duration> duration(String key, String defaultValue, String description) {
        return duration(key, defaultValue, description, false);
    }

    /** A duration that may be zero ({@code 0s}), such as an allowed lateness. */
    public static Option<Duration> durationOrZero(String key, String defaultValue, String description) {
        return duration(key, defaultValue, description, true);
    }

    private static Option<Duration> duration(String key, String defaultValue, String description, boolean zero) {
        return new Option<>(
                key,
                zero ? "duration >= 0" : "duration",
                s -> {
                    Duration d;
                    try {
                        d = TimeUtils.parseDuration(s.trim());
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("must be a duration such as 500ms, 10s, 15min, 24h or 7d");
                    }
                    if (d.isNegative() || (d.isZero() && !zero)) {
                        throw new IllegalArgumentException(zero ? "must not be negative" : "must be greater than zero");
                    }
                    return d;
                },
                defaultValue,
                description);
    }

    /** A size in bytes such as {@code 1000000}, {@code 512kb}, {@code 1mb}. */
    public static Option<Long> bytes(String key, String defaultValue, String description) {
        return new Option<>(
                key,
                "size",
                s -> {
                    long v;
                    try {
                        v = MemorySize.parse(s.trim()).getBytes();
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException("must be a size such as 1000000, 512kb or 1mb");
                    }
                    if (v <= 0) {
                        throw new IllegalArgumentException("must be greater than zero");
                    }
                    return v;
                },
                defaultValue,
                description);
    }

    public static <E extends Enum<E>> Option<E> choice(String key, Class<E> type, E defaultValue, String description) {
        String allowed =
                Arrays.stream(type.getEnumConstants()).map(Option::external).collect(Collectors.joining(", "));
        return new Option<>(
                key,
                "one of " + allowed,
                s -> {
                    for (E e : type.getEnumConstants()) {
                        if (external(e).equalsIgnoreCase(s.trim())) {
                            return e;
                        }
                    }
                    throw new IllegalArgumentException("must be one of " + allowed);
                },
                defaultValue == null ? null : external(defaultValue),
                description);
    }

    /** The spelling of an enum constant in config files: {@code COMMITTED_OR_EARLIEST} is {@code committed-or-earliest}. */
    public static String external(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String key() {
        return key;
    }

    public String type() {
        return type;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Older names of this key, still read (with a warning). */
    public List<String> deprecatedKeys() {
        return deprecatedKeys;
    }

    T parse(String raw) {
        return parser.apply(raw);
    }
}
