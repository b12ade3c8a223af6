package io.eventpipe.common.kafka;

import java.time.Instant;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Where a job starts reading when it has no checkpoint or savepoint to resume from.
 *
 * @param kind which position
 * @param timestamp for {@link Kind#TIMESTAMP}: each partition starts at its first record whose Kafka timestamp is at
 *     or after this instant (at its end when there is none); null otherwise
 */
public record StartingOffsets(Kind kind, Instant timestamp) {
    /** The consumer group's committed offsets; partitions without one start at the earliest record. */
    public static final StartingOffsets COMMITTED_OR_EARLIEST = new StartingOffsets(Kind.COMMITTED_OR_EARLIEST, null);
    /** The consumer group's committed offsets; partitions without one start at the end. */
    public static final StartingOffsets COMMITTED_OR_LATEST = new StartingOffsets(Kind.COMMITTED_OR_LATEST, null);

    public static final StartingOffsets EARLIEST = new StartingOffsets(Kind.EARLIEST, null);
    public static final StartingOffsets LATEST = new StartingOffsets(Kind.LATEST, null);

    /** The spellings {@link #parse} accepts, for messages and the reference. */
    public static final String SYNTAX =
            "committed-or-earliest, committed-or-latest, earliest, latest or " + "timestamp:<ISO-8601 instant>";

    public enum Kind {
        COMMITTED_OR_EARLIEST,
        COMMITTED_OR_LATEST,
        EARLIEST,
        LATEST,
        TIMESTAMP
    }

    public StartingOffsets {
        if ((kind == Kind.TIMESTAMP) != (timestamp != null)) {
            throw new IllegalArgumentException("a timestamp goes with kind TIMESTAMP, and only with it");
        }
    }

    public static StartingOffsets timestamp(Instant at) {
        return new StartingOffsets(Kind.TIMESTAMP, at);
    }

    /** Reads {@link #SYNTAX}; throws {@link IllegalArgumentException} naming what is accepted. */
    public static StartingOffsets parse(String text) {
        String s = text.trim();
        return TimestampPosition.isTimestamp(s)
                ? timestamp(TimestampPosition.parse(s, SYNTAX))
                : new StartingOffsets(TimestampPosition.kind(s, Kind.values(), Kind.TIMESTAMP, SYNTAX), null);
    }

    @SuppressWarnings("deprecation") // the connector's API still takes the deprecated enum
    public OffsetsInitializer initializer() {
        return switch (kind) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(timestamp.toEpochMilli());
        };
    }

    @Override
    public String toString() {
        return TimestampPosition.toString(kind, timestamp);
    }
}
