package io.eventpipe.common.deadletter;

import io.eventpipe.common.kafka.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A record that could not become a clean event: the original key and value bytes, where they came from, and why.
 * A Flink POJO, so it travels without Kryo.
 */
public class DeadLetter {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;
    public Reason reason;
    public String message;
    /** Set when {@link #key} and {@link #value} are prefixes of the original, which is kept whole in the archive. */
    public boolean cut;
    /** For a cut letter: the original's key and value sizes, the SHA-256 of its value, where it is archived. */
    public int originalKeyBytes;

    public int originalValueBytes;
    public String valueSha256;
    public String archive;
    /** The input record's headers ({@link RawRecord#headerKeys}), or null when it had none or they were dropped. */
    public String[] headerKeys;

    public byte[][] headerValues;
    /** On a cut letter: how many input headers were left out to fit the topic (the archive keeps them). */
    public int headersDropped;

    public DeadLetter() {}

    public static DeadLetter of(RawRecord raw, Reason reason, String message) {
        DeadLetter d = new DeadLetter();
        d.key = raw.key;
        d.value = raw.value;
        d.topic = raw.topic;
        d.partition = raw.partition;
        d.offset = raw.offset;
        d.timestamp = raw.timestamp;
        d.reason = reason;
        d.message = message;
        d.headerKeys = raw.headerKeys;
        d.headerValues = raw.headerValues;
        return d;
    }

    /** A copy with other key and value bytes and everything else as in this one. */
    public DeadLetter withBytes(byte[] newKey, byte[] newValue) {
        DeadLetter d = new DeadLetter();
        d.key = newKey;
        d.value = newValue;
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.timestamp = timestamp;
        d.reason = reason;
        d.message = message;
        d.cut = cut;
        d.originalKeyBytes = originalKeyBytes;
        d.originalValueBytes = originalValueBytes;
        d.valueSha256 = valueSha256;
        d.archive = archive;
        d.headerKeys = headerKeys;
        d.headerValues = headerValues;
        d.headersDropped = headersDropped;
        return d;
    }

    /**
     * Whether the input header {@code key} goes on the letter: all but those named like the letter's own ({@link
     * DeadLetterHeaders#PREFIX}), which would contradict them.
     */
    public static boolean carried(String key) {
        return !key.startsWith(DeadLetterHeaders.PREFIX);
    }

    /** Bytes the carried input headers add to the letter: keys, values, and Kafka's framing of each. */
    public long carriedHeaderBytes() {
        if (headerKeys == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < headerKeys.length; i++) {
            if (carried(headerKeys[i])) {
                byte[] v = headerValues[i];
                bytes += DeadLetterHeaders.FRAMING_BYTES_PER_HEADER
                        + headerKeys[i].getBytes(StandardCharsets.UTF_8).length
                        + (v == null ? 0 : v.length);
            }
        }
        return bytes;
    }

    /** How many input headers the letter carries. */
    public int carriedHeaders() {
        if (headerKeys == null) {
            return 0;
        }
        int n = 0;
        for (String k : headerKeys) {
            n += carried(k) ? 1 : 0;
        }
        return n;
    }

    /** Bytes of key plus value. */
    public int size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "/" + partition + "@" + offset + " " + reason + ": " + message + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d
                && topic.equals(d.topic)
                && partition == d.partition
                && offset == d.offset
                && reason == d.reason;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, reason);
    }
}
