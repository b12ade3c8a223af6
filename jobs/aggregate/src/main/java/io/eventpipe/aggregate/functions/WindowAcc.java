package io.eventpipe.aggregate.functions;

/**
 * The running aggregate of one window of one (type, source) key. A POJO: fields may be added across upgrades.
 */
public class WindowAcc {
    public long count;
    public long firstEventTime = Long.MAX_VALUE;
    public long lastEventTime = Long.MIN_VALUE;
    /**
     * Per configured metric of the type, in config order: the exact decimal value (sums are exact, so the result does
     * not depend on the order events arrive in); null until a value arrives.
     */
    public String[] values = new String[0];
    /** Whether the window has fired once; later (allowed-late) events then re-emit it at once. */
    public boolean fired;

    public WindowAcc() {}
}
