package io.eventpipe.ingest;

import io.eventpipe.common.deadletter.DeadLetterArchive;

/**
 * Operator names of the ingest job: fixed, like the uids, and free of configuration values, so that the
 * {@code operator_name} label of every metric (and the dashboards and alerts that select on it) stays the same when
 * topics or paths change. A sink's name names its role; the configuration says where it writes.
 */
public final class OperatorNames {
    public static final String SOURCE = "kafka: input";
    public static final String DECODE_VALIDATE = "decode and validate";
    public static final String WATERMARKS = "event-time watermarks";
    public static final String DEDUP = "dedup by id";
    public static final String CLEAN_SINK = "kafka: clean";
    public static final String LAKE_SINK = "lake";
    public static final String DLQ_SINK = DeadLetterArchive.TOPIC_SINK_NAME;
    public static final String DLQ_ARCHIVE_SINK = DeadLetterArchive.ARCHIVE_SINK_NAME;

    private OperatorNames() {}
}
