package io.eventpipe.aggregate;

import io.eventpipe.common.deadletter.DeadLetterArchive;

/**
 * Operator names of the aggregate job: fixed, like the uids, and free of configuration values, so that the
 * {@code operator_name} label of every metric (and the dashboards and alerts that select on it) stays the same when
 * topics or tables change. A sink's name names its role; the configuration says where it writes.
 */
public final class OperatorNames {
    public static final String SOURCE = "kafka: clean";
    public static final String DECODE = "decode";
    public static final String WINDOWS = "windows per type and source";
    public static final String POSTGRES_SINK = "postgres: event_windows";
    public static final String RESULTS_SINK = "kafka: results";
    public static final String LATE_SINK = "kafka: late";
    public static final String DLQ_SINK = DeadLetterArchive.TOPIC_SINK_NAME;
    public static final String DLQ_ARCHIVE_SINK = DeadLetterArchive.ARCHIVE_SINK_NAME;

    private OperatorNames() {}
}
