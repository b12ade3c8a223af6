package io.eventpipe.common.kafka;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The {@code timestamp:<ISO-8601 instant>} form of starting and stopping offsets. */
final class TimestampPosition {
    static final String PREFIX = "timestamp:";

    private TimestampPosition() {}

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
