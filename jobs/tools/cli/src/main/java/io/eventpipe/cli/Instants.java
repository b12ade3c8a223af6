package io.eventpipe.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Instants given on the command line. */
final class Instants {
    private Instants() {}

    /**
     * {@code text} as an ISO-8601 instant with a zone ({@code 2026-11-01T00:00:00Z}, {@code ...+01:00}), or null for
     * null; throws {@link IllegalArgumentException} naming {@code option} otherwise.
     */
    static Instant parse(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not an ISO-8601 instant with a "
                    + "zone, such as 2026-11-01T00:00:00Z");
        }
    }
}
