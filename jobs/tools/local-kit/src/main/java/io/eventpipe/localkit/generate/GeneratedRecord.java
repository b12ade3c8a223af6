package io.eventpipe.localkit.generate;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record made by the {@link EventGenerator}, with what the ingest job must do with it.
 *
 * @param key record key (the event id for well-formed events)
 * @param value record value in the generator's format
 * @param timestamp the Kafka record timestamp to send it with
 * @param id the event id ("" where the record has none)
 * @param expected CLEAN for a first occurrence of a valid event, DUPLICATE for a repeat of one, DEAD_LETTER for bad
 * @param reason for DEAD_LETTER, why
 * @param kind what sort of record it is, for reports ({@code valid}, or the bad kind's name)
 * @param headers the record's Kafka headers, in order
 */
public record GeneratedRecord(
        byte[] key,
        byte[] value,
        long timestamp,
        String id,
        Expected expected,
        Reason reason,
        String kind,
        List<Header> headers) {

    public GeneratedRecord {
        headers = List.copyOf(headers);
    }

    public GeneratedRecord(
            byte[] key, byte[] value, long timestamp, String id, Expected expected, Reason reason, String kind) {
        this(key, value, timestamp, id, expected, reason, kind, List.of());
    }

    public GeneratedRecord(byte[] key, byte[] value, long timestamp, String id, Expected expected, Reason reason) {
        this(key, value, timestamp, id, expected, reason, reason == null ? "valid" : reason.name());
    }

    /** This record with {@code h} as its headers. */
    public GeneratedRecord withHeaders(List<Header> h) {
        return new GeneratedRecord(key, value, timestamp, id, expected, reason, kind, h);
    }

    /** The record to send to {@code topic}: key, value, timestamp and headers, on any partition. */
    public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
        return new ProducerRecord<>(topic, null, timestamp, key, value, headers);
    }

    /**
     * Bytes the record's headers add to its dead letter: key, value and Kafka's framing of each, for every header a
     * letter carries (not those named like a letter's own).
     */
    public long carriedHeaderBytes() {
        long bytes = 0;
        for (Header h : headers) {
            if (DeadLetter.carried(h.key())) {
                bytes += DeadLetterHeaders.FRAMING_BYTES_PER_HEADER
                        + h.key().getBytes(StandardCharsets.UTF_8).length
                        + (h.value() == null ? 0 : h.value().length);
            }
        }
        return bytes;
    }

    /** Bytes of key plus value, as the ingest job measures a record. */
    public int size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }

    /** What the job should do with a generated record. */
    public enum Expected {
        CLEAN,
        DUPLICATE,
        DEAD_LETTER
    }
}
