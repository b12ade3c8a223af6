package io.eventpipe.aggregate.functions;

import java.io.Serializable;
import java.time.Duration;

/**
 * Whether an event is too late, decided from its own source partition alone: an event is too late when that
 * partition has already carried a record stamped at or after its window's end plus the allowed lateness plus the
 * out-of-orderness bound.
 *
 * <p>This is the latest the window can still be open by the watermarks: a partition's watermark is its largest
 * record timestamp minus the out-of-orderness bound minus 1 ms, the operator's watermark is at most the smallest of
 * its active partitions', and a window closes when the watermark reaches its end minus 1 ms plus the allowed
 * lateness. So an event this rule lets through finds its window open, whatever the other partitions did; and since the
 * rule only reads the partition's records in their order, a replay after a restore decides every event the same way.
 *
 * @param size window length, ms
 * @param allowedLateness ms
 * @param maxOutOfOrderness the watermarks' bound, ms
 */
public record LatenessRule(long size, long allowedLateness, long maxOutOfOrderness) implements Serializable {

    public LatenessRule(Duration size, Duration allowedLateness, Duration maxOutOfOrderness) {
        this(size.toMillis(), allowedLateness.toMillis(), maxOutOfOrderness.toMillis());
    }

    /** Start of the window of {@code eventTime}. */
    public long windowStart(long eventTime) {
        return eventTime - Math.floorMod(eventTime, size);
    }

    /**
     * Whether an event at {@code eventTime} is too late in a partition whose records so far were stamped at most
     * {@code highWaterMark} ({@link Long#MIN_VALUE} for none).
     */
    public boolean tooLate(long eventTime, long highWaterMark) {
        // end - 1 + lateness <= highWaterMark - outOfOrderness - 1, added up without overflow
        long bound = add(add(add(windowStart(eventTime), size), allowedLateness), maxOutOfOrderness);
        return bound <= highWaterMark;
    }

    private static long add(long a, long nonNegative) {
        long r = a + nonNegative;
        return r < a ? Long.MAX_VALUE : r;
    }
}
