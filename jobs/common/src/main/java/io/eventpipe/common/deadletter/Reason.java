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
    /** The payload breaks the JSON Schema contract of its type. */
    PAYLOAD_CONTRACT
}
