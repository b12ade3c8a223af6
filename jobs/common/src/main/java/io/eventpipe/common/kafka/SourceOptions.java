package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Option;

import java.time.Duration;
import java.util.List;

/** Options of a job's Kafka source and its watermarks, the same in every job. */
public final class SourceOptions {
    public static final Option<String> GROUP_ID = Option.string("source.group-id", null,
            "Consumer group id; default: the job name.");
    public static final Option<StartingOffsets> STARTING_OFFSETS = Option.choice("source.starting-offsets",
            StartingOffsets.class, StartingOffsets.COMMITTED_OR_EARLIEST,
            "Where to start reading when there is no checkpoint or savepoint.");
    public static final Option<Duration> MAX_OUT_OF_ORDERNESS = Option.duration("source.max-out-of-orderness",
            "5s", "Watermark delay behind the largest event time seen.");
    public static final Option<Duration> IDLENESS = Option.duration("source.idleness", "30s",
            "A partition without records for this long no longer holds back the watermark (so windows still "
                    + "close).");

    public static final List<Option<?>> ALL = List.of(GROUP_ID, STARTING_OFFSETS, MAX_OUT_OF_ORDERNESS, IDLENESS);

    private SourceOptions() {}
}
