package io.eventpipe.common.validate;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.serde.JsonLimits;
import java.time.Duration;
import java.util.List;

/** The {@code validation.*} keys both jobs share: what a record must satisfy before a job acts on it. */
public final class ValidationOptions {
    public static final Option<Long> MAX_RECORD_BYTES = Option.bytes(
            "validation.max-record-bytes",
            "1000000",
            "Largest key plus value accepted; larger records are dead-lettered as TOO_LARGE.");
    public static final Option<Duration> MAX_FUTURE_SKEW = Option.duration(
            "validation.max-future-skew",
            "5min",
            "Largest allowed lead of event time over the Kafka record timestamp.");
    public static final Option<Duration> MAX_AGE = Option.duration(
            "validation.max-age", "7d", "Largest allowed lag of event time behind the Kafka record timestamp.");
    public static final Option<Integer> MAX_NESTING_DEPTH = Option.integer(
            "validation.payload.max-nesting-depth",
            1,
            JsonLimits.DEFAULTS.maxNestingDepth(),
            "Deepest nesting of objects and arrays in a payload (and in JSON input); deeper is PAYLOAD_LIMIT.");
    public static final Option<Integer> MAX_NUMBER_LENGTH = Option.integer(
            "validation.payload.max-number-length",
            1,
            JsonLimits.DEFAULTS.maxNumberLength(),
            "Longest number in a payload (and in JSON input), in characters; longer is PAYLOAD_LIMIT.");
    public static final Option<Integer> MAX_INTEGER_DIGITS = Option.integer(
            "validation.payload.max-integer-digits",
            1,
            JsonLimits.DEFAULTS.maxIntegerDigits(),
            "Most digits before the decimal point of a payload number (1e25 has 26); more is PAYLOAD_LIMIT.");
    public static final Option<Integer> MAX_FRACTION_DIGITS = Option.integer(
            "validation.payload.max-fraction-digits",
            0,
            JsonLimits.DEFAULTS.maxFractionDigits(),
            "Most digits after the decimal point of a payload number, trailing zeros aside; more is PAYLOAD_LIMIT.");

    /** Every key here; a job that reads them lists these among its options. */
    public static final List<Option<?>> ALL = List.of(
            MAX_RECORD_BYTES,
            MAX_FUTURE_SKEW,
            MAX_AGE,
            MAX_NESTING_DEPTH,
            MAX_NUMBER_LENGTH,
            MAX_INTEGER_DIGITS,
            MAX_FRACTION_DIGITS);

    private ValidationOptions() {}

    /** The rules for records in {@code format}; strings in JSON may be as long as a whole record. */
    public static ValidationRules read(ConfigReader s, EventFormat format) {
        long maxRecord = orZero(s.get(MAX_RECORD_BYTES));
        JsonLimits json = new JsonLimits(
                orZero(s.get(MAX_NESTING_DEPTH)),
                orZero(s.get(MAX_NUMBER_LENGTH)),
                (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxRecord)),
                orZero(s.get(MAX_INTEGER_DIGITS)),
                orZero(s.get(MAX_FRACTION_DIGITS)));
        return new ValidationRules(format, maxRecord, s.get(MAX_FUTURE_SKEW), s.get(MAX_AGE), json);
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
