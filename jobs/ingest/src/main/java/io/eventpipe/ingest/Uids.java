package io.eventpipe.ingest;

/**
 * Operator uids of the ingest job. A released uid never changes: savepoints find operator state by it.
 */
public final class Uids {
    public static final String SOURCE = "ingest-kafka-source";
    public static final String DECODE_VALIDATE = "ingest-decode-validate";
    public static final String WATERMARKS = "ingest-watermarks";
    public static final String DEDUP = "ingest-dedup";
    public static final String CLEAN_SINK = "ingest-clean-sink";
    public static final String LAKE_SINK = "ingest-lake-sink";
    public static final String DLQ_SINK = "ingest-dlq-sink";
    public static final String DLQ_ARCHIVE_SINK = "ingest-dlq-archive-sink";

    private Uids() {}
}
