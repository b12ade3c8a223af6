package io.eventpipe.common.serde;

/** How events are encoded on the input topic. */
public enum EventFormat {
    /** Avro single-object encoding (marker, schema fingerprint, body) of any envelope version in {@code schemas/}. */
    AVRO,
    /** One JSON object per record: {@code {"id", "time", "type", "source", "payload", "headers"}}. */
    JSON,
    /**
     * CloudEvents 1.0 with JSON data, in the Kafka binding's binary mode ({@code ce_*} headers, data in the value) or
     * structured mode ({@code content-type: application/cloudevents+json}).
     */
    CLOUDEVENTS,
    /** JSON records of their own shape, whose fields a {@link FieldMapping} maps onto the envelope. */
    MAPPED_JSON
}
