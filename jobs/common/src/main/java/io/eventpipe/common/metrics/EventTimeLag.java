package io.eventpipe.common.metrics;

/**
 * The {@code eventTimeLagMs} gauge: wall clock minus the operator's current watermark, i.e. how far event-time
 * processing is behind now. 0 until the first watermark arrives.
 */
public final class EventTimeLag {
    private EventTimeLag() {}

    public static long of(long watermark) {
        return watermark == Long.MIN_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - watermark);
    }
}
