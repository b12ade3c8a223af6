package io.eventpipe.common.kafka;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Where a job starts reading when it has no checkpoint or savepoint to resume from. */
public enum StartingOffsets {
    /** The consumer group's committed offsets; partitions without one start at the earliest record. */
    COMMITTED_OR_EARLIEST,
    /** The consumer group's committed offsets; partitions without one start at the end. */
    COMMITTED_OR_LATEST,
    EARLIEST,
    LATEST;

    @SuppressWarnings("deprecation") // the connector's API still takes the deprecated enum
    public OffsetsInitializer initializer() {
        return switch (this) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
