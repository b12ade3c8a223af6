package io.eventpipe.common.deadletter;

/**
 * Kafka header names on dead-letter records. Values are UTF-8 text. Stable: tools that replay the DLQ read them.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "eventpipe.dlq.reason";
    public static final String MESSAGE = "eventpipe.dlq.message";
    public static final String SOURCE_TOPIC = "eventpipe.dlq.source.topic";
    public static final String SOURCE_PARTITION = "eventpipe.dlq.source.partition";
    public static final String SOURCE_OFFSET = "eventpipe.dlq.source.offset";
    public static final String SOURCE_TIMESTAMP = "eventpipe.dlq.source.timestamp";
    /** Present ({@code true}) when key and value are prefixes: the record was too large for the topic. */
    public static final String CUT = "eventpipe.dlq.cut";

    public static final String ORIGINAL_KEY_BYTES = "eventpipe.dlq.original.key-bytes";
    public static final String ORIGINAL_VALUE_BYTES = "eventpipe.dlq.original.value-bytes";
    /** Lower-case hex SHA-256 of the whole original value. */
    public static final String ORIGINAL_VALUE_SHA256 = "eventpipe.dlq.original.value-sha256";
    /** The archive directory that holds the whole record (find it there by source topic, partition and offset). */
    public static final String ARCHIVE = "eventpipe.dlq.archive";

    /**
     * On a record that {@code eventpipe dlq replay} published again: the dead letter it came from, as
     * {@code <dead-letter topic>/<partition>@<offset>}.
     */
    public static final String REPLAY_OF = "eventpipe.replay.of";

    /** The prefix of the letter's own headers. The input record's other headers follow them on the letter. */
    public static final String PREFIX = "eventpipe.dlq.";

    /**
     * On a cut letter whose input headers did not fit the topic with it: how many were left out. The archive keeps the
     * whole record, headers and all.
     */
    public static final String HEADERS_DROPPED = "eventpipe.dlq.headers-dropped";

    /** What Kafka adds to each header beside its key and value (two varint lengths), at most. */
    public static final int FRAMING_BYTES_PER_HEADER = 10;

    /** The message header is cut to this many characters. */
    public static final int MAX_MESSAGE_CHARS = 500;

    /** The archive path is at most this many characters (configuration refuses longer ones). */
    public static final int MAX_ARCHIVE_PATH_CHARS = 1024;

    /**
     * An upper bound on what the headers and record framing add to the original key and value, for a source topic
     * name of Kafka's maximum length (249), a message of {@link #MAX_MESSAGE_CHARS} characters of up to 3 bytes,
     * and the cut headers with an archive path of {@link #MAX_ARCHIVE_PATH_CHARS} characters of up to 3 bytes.
     */
    public static final int MAX_OVERHEAD_BYTES = 8192;

    private DeadLetterHeaders() {}
}
