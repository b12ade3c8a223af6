package io.eventpipe.aggregate.functions;

import java.util.Objects;

/** One window's aggregate for one (type, source): a row of the results table and a record of the results topic. */
public class WindowResult {
    public long windowStart;
    public long windowEnd;
    public String type;
    public String source;
    public long eventCount;
    public long firstEventTime;
    public long lastEventTime;
    /** JSON object of the type's metrics, e.g. {"sum_amount":12.5}; "{}" when none are configured. */
    public String metrics;

    public WindowResult() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowResult r
                && windowStart == r.windowStart
                && windowEnd == r.windowEnd
                && eventCount == r.eventCount
                && firstEventTime == r.firstEventTime
                && lastEventTime == r.lastEventTime
                && type.equals(r.type)
                && source.equals(r.source)
                && metrics.equals(r.metrics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStart, type, source, eventCount);
    }

    @Override
    public String toString() {
        return "WindowResult{" + windowStart + ".." + windowEnd + " " + type + "/" + source + " count=" + eventCount
                + " first=" + firstEventTime + " last=" + lastEventTime + " " + metrics + "}";
    }
}
