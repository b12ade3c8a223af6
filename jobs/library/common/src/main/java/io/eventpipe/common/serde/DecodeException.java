package io.eventpipe.common.serde;

import io.eventpipe.common.deadletter.Reason;

/** The bytes are not an event in the expected format. Cheap: no stack trace. */
public final class DecodeException extends Exception {
    private final Reason reason;

    public DecodeException(String message) {
        this(Reason.UNDECODABLE, message);
    }

    public DecodeException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** {@link Reason#UNDECODABLE}, or {@link Reason#PAYLOAD_LIMIT} where JSON input hit a {@link JsonLimits} bound. */
    public Reason reason() {
        return reason;
    }
}
