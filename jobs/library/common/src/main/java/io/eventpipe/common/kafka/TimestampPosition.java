package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Option;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The spellings of starting and stopping offsets: a kind's name in config spelling ({@code committed-or-earliest})
 * or {@code timestamp:<ISO-8601 instant>}.
 */
final class TimestampPosition {
    static final String PREFIX = "timestamp:";

    private TimestampPosition() {}

    /** Whether {@code text} is the timestamp form. */
    static boolean isTimestamp(String text) {
        return text.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** The kind that {@code text} names, other than {@code timestampKind}; else what {@code syntax} accepts. */
    static <K extends Enum<K>> K kind(String text, K[] kinds, K timestampKind, String syntax) {
        for (K k : kinds) {
            if (k != timestampKind && Option.external(k).equalsIgnoreCase(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("must be one of " + syntax);
    }

    /** The config spelling of a position: {@code timestamp:<instant>}, or the kind's name. */
    static String toString(Enum<?> kind, Instant timestamp) {
        return timestamp != null ? PREFIX + timestamp : Option.external(kind);
    }

    /**
     * The instant after the prefix: {@code 2026-11-01T00:00:00Z} or with an offset, {@code 2026-11-01T01:00:00+01:00}.
     * A time without a zone is refused rather than read in the machine's zone.
     */
    static Instant parse(String text, String syntax) {
        String iso = text.substring(PREFIX.length()).trim();
        Instant at;
        try {
            at = OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + iso + "' is not an ISO-8601 instant with a zone, such as "
                    + "2026-11-01T00:00:00Z (accepted: " + syntax + ")");
        }
        if (at.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("the timestamp " + at + " is before 1970, where Kafka has none");
        }
        return at;
    }
}
