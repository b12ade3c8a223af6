package io.eventpipe.common.serde;

/** The bytes are not an event in the expected format. Cheap: no stack trace. */
public final class DecodeException extends Exception {
    public DecodeException(String message) {
        super(message, null, false, false);
    }
}
