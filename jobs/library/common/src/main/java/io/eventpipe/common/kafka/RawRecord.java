package io.eventpipe.common.kafka;

/** A Kafka record as read, before decoding: what a dead letter must preserve. A Flink POJO. */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;
    /** The record's header keys, in order, or null when it has none. */
    public String[] headerKeys;
    /** The header values, one per key (an element is null where a header has no value), or null with no headers. */
    public byte[][] headerValues;

    public RawRecord() {}

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /** This record with the headers given ({@code null}s for none); returns this. */
    public RawRecord withHeaders(String[] keys, byte[][] values) {
        this.headerKeys = keys;
        this.headerValues = values;
        return this;
    }

    /** Bytes of key plus value, the quantity limited by {@code validation.max-record-bytes}. */
    public int size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
