package io.eventpipe.common.validate;

import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.serde.FieldMapping;
import io.eventpipe.common.serde.JsonLimits;
import java.io.Serializable;
import java.time.Duration;

/**
 * What a record must satisfy to become a clean event.
 *
 * @param format the input format
 * @param maxRecordBytes largest key plus value accepted
 * @param maxFutureSkew how far the event time may lie after the Kafka record timestamp
 * @param maxAge how far the event time may lie before the Kafka record timestamp
 * @param json bounds on JSON input and payloads
 * @param mapping where the envelope's fields are, for {@link EventFormat#MAPPED_JSON}; else null
 */
public record ValidationRules(
        EventFormat format,
        long maxRecordBytes,
        Duration maxFutureSkew,
        Duration maxAge,
        JsonLimits json,
        FieldMapping mapping)
        implements Serializable {

    /** Without a field mapping. */
    public ValidationRules(
            EventFormat format, long maxRecordBytes, Duration maxFutureSkew, Duration maxAge, JsonLimits json) {
        this(format, maxRecordBytes, maxFutureSkew, maxAge, json, null);
    }

    /** With the default {@link JsonLimits}. */
    public ValidationRules(EventFormat format, long maxRecordBytes, Duration maxFutureSkew, Duration maxAge) {
        this(format, maxRecordBytes, maxFutureSkew, maxAge, JsonLimits.DEFAULTS);
    }

    /** These rules with {@code m} as their field mapping. */
    public ValidationRules withMapping(FieldMapping m) {
        return new ValidationRules(format, maxRecordBytes, maxFutureSkew, maxAge, json, m);
    }
}
