package io.eventpipe.localkit.generate;

import io.eventpipe.common.deadletter.Reason;

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
 */
public record GeneratedRecord(
        byte[] key, byte[] value, long timestamp, String id, Expected expected, Reason reason, String kind) {

    public GeneratedRecord(byte[] key, byte[] value, long timestamp, String id, Expected expected, Reason reason) {
        this(key, value, timestamp, id, expected, reason, reason == null ? "valid" : reason.name());
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
