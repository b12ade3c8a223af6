package io.eventpipe.common.kafka;

/** A Kafka record as read, before decoding: what a dead letter must preserve. A Flink POJO. */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;

    public RawRecord() {}

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /** Bytes of key plus value, the quantity limited by {@code validation.max-record-bytes}. */
    public int size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
