package io.eventpipe.common.kafka;

import java.time.Instant;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Where a bounded job stops reading; a job with stopping offsets finishes on its own once every partition has
 * reached them (after a last checkpoint that commits its outputs).
 *
 * @param kind which position
 * @param timestamp for {@link Kind#TIMESTAMP}: each partition stops before its first record whose Kafka timestamp
 *     is at or after this instant (the end offset at the job's start when there is none); null otherwise
 */
public record StoppingOffsets(Kind kind, Instant timestamp) {
    /** Unbounded: the job reads until it is stopped. */
    public static final StoppingOffsets NONE = new StoppingOffsets(Kind.NONE, null);
    /** Each partition's end offset when the job starts. */
    public static final StoppingOffsets LATEST = new StoppingOffsets(Kind.LATEST, null);

    public static final String SYNTAX = "none, latest or timestamp:<ISO-8601 instant>";

    public enum Kind {
        NONE,
        LATEST,
        TIMESTAMP
    }

    public StoppingOffsets {
        if ((kind == Kind.TIMESTAMP) != (timestamp != null)) {
            throw new IllegalArgumentException("a timestamp goes with kind TIMESTAMP, and only with it");
        }
    }

    public static StoppingOffsets timestamp(Instant at) {
        return new StoppingOffsets(Kind.TIMESTAMP, at);
    }

    /** Reads {@link #SYNTAX}; throws {@link IllegalArgumentException} naming what is accepted. */
    public static StoppingOffsets parse(String text) {
        String s = text.trim();
        return TimestampPosition.isTimestamp(s)
                ? timestamp(TimestampPosition.parse(s, SYNTAX))
                : new StoppingOffsets(TimestampPosition.kind(s, Kind.values(), Kind.TIMESTAMP, SYNTAX), null);
    }

    public boolean bounded() {
        return kind != Kind.NONE;
    }

    /** The connector's stopping offsets; null when unbounded. */
    public OffsetsInitializer initializer() {
        return switch (kind) {
            case NONE -> null;
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(timestamp.toEpochMilli());
        };
    }

    @Override
    public String toString() {
        return TimestampPosition.toString(kind, timestamp);
    }
}
