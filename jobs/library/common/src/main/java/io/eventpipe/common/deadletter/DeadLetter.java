package io.eventpipe.common.deadletter;

import io.eventpipe.common.kafka.RawRecord;
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
        return d;
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
