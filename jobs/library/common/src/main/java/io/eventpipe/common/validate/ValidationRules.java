package io.eventpipe.common.validate;

import io.eventpipe.common.serde.EventFormat;
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
 */
public record ValidationRules(
        EventFormat format, long maxRecordBytes, Duration maxFutureSkew, Duration maxAge, JsonLimits json)
        implements Serializable {

    /** With the default {@link JsonLimits}. */
    public ValidationRules(EventFormat format, long maxRecordBytes, Duration maxFutureSkew, Duration maxAge) {
        this(format, maxRecordBytes, maxFutureSkew, maxAge, JsonLimits.DEFAULTS);
    }
}
