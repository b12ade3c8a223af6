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

    /** The message header is cut to this many characters. */
    public static final int MAX_MESSAGE_CHARS = 500;

    /**
     * An upper bound on what the headers and record framing add to the original key and value, for a source topic
     * name of Kafka's maximum length (249) and a message of {@link #MAX_MESSAGE_CHARS} characters of up to 3 bytes.
     */
    public static final int MAX_OVERHEAD_BYTES = 4096;

    private DeadLetterHeaders() {}
}
