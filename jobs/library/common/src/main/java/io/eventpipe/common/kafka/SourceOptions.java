package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Option;
import java.time.Duration;
import java.util.List;

/** Options of a job's Kafka source and its watermarks, the same in every job. */
public final class SourceOptions {
    public static final Option<String> GROUP_ID =
            Option.string("source.group-id", null, "Consumer group id; default: the job name.");
    public static final Option<StartingOffsets> STARTING_OFFSETS = Option.of(
            "source.starting-offsets",
            "one of " + StartingOffsets.SYNTAX,
            StartingOffsets::parse,
            StartingOffsets.COMMITTED_OR_EARLIEST.toString(),
            "Where to start reading when there is no checkpoint or savepoint; timestamp:<instant> starts each "
                    + "partition at its first record with a Kafka timestamp at or after the instant.");
    /** Ingest only for now: the aggregate job always runs unbounded. */
    public static final Option<StoppingOffsets> STOPPING_OFFSETS = Option.of(
            "source.stopping-offsets",
            "one of " + StoppingOffsets.SYNTAX,
            StoppingOffsets::parse,
            StoppingOffsets.NONE.toString(),
            "Where a bounded run stops: latest (each partition's end when the job starts) or timestamp:<instant> "
                    + "(before each partition's first record with a Kafka timestamp at or after it). The job then "
                    + "finishes on its own, after a last checkpoint commits its outputs. none: run until stopped.");

    public static final Option<Duration> MAX_OUT_OF_ORDERNESS =
            Option.duration("source.max-out-of-orderness", "5s", "Watermark delay behind the largest event time seen.");
    public static final Option<Duration> IDLENESS = Option.duration(
            "source.idleness",
            "30s",
            "A partition without records for this long no longer holds back the watermark (so windows still "
                    + "close).");

    public static final List<Option<?>> ALL = List.of(GROUP_ID, STARTING_OFFSETS, MAX_OUT_OF_ORDERNESS, IDLENESS);

    private SourceOptions() {}
}
