package io.eventpipe.aggregate;

/** Operator uids of the aggregate job. A released uid never changes: savepoints find operator state by it. */
public final class Uids {
    public static final String SOURCE = "aggregate-kafka-source";
    public static final String DECODE = "aggregate-decode";
    public static final String WINDOWS = "aggregate-windows";
    public static final String POSTGRES_SINK = "aggregate-postgres-sink";
    public static final String RESULTS_SINK = "aggregate-results-sink";
    public static final String LATE_SINK = "aggregate-late-sink";
    public static final String DLQ_SINK = "aggregate-dlq-sink";
    public static final String DLQ_ARCHIVE_SINK = "aggregate-dlq-archive-sink";

    private Uids() {}
}
