package io.eventpipe.common.deadletter;

/** Why a record went to the dead-letter topic. The names are stable: alerts and tools match on them. */
public enum Reason {
    /** Key plus value larger than {@code validation.max-record-bytes}. */
    TOO_LARGE,
    /** The value is not an event in the configured input format (or of a known envelope version). */
    UNDECODABLE,
    /** The id or the type is empty. */
    MISSING_FIELD,
    /** A field is present but malformed: an over-long id, a type outside {@code [A-Za-z0-9._-]}. */
    INVALID_FIELD,
    /** Event time later than the Kafka record timestamp plus {@code validation.max-future-skew}. */
    TIME_IN_FUTURE,
    /** Event time earlier than the Kafka record timestamp minus {@code validation.max-age}. */
    TIME_TOO_OLD,
    /** The payload is not a JSON document. */
    PAYLOAD_NOT_JSON,
    /** The record's data is declared as something other than JSON (a CloudEvent's {@code datacontenttype}). */
    UNSUPPORTED_CONTENT_TYPE,
    /** The payload breaks the JSON Schema contract of its type. */
    PAYLOAD_CONTRACT,
    /**
     * The payload exceeds a configured bound: nesting depth, length of a number or string, or a number's integer or
     * fraction digits ({@code validation.payload.*}).
     */
    PAYLOAD_LIMIT,
    /**
     * Processing the record raised an exception no rule foresaw. A bug: the record is kept with the exception's class
     * and message so that it can be replayed after the fix, and the job goes on.
     */
    UNEXPECTED
}
