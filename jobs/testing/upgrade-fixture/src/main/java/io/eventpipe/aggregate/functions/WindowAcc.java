package io.eventpipe.aggregate.functions;

/** Upgrade fixture: the released WindowAcc plus one field, as a next release might add it. */
public class WindowAcc {
    public long count;
    public long firstEventTime = Long.MAX_VALUE;
    public long lastEventTime = Long.MIN_VALUE;
    public String[] values = new String[0];
    public boolean fired;
    /** Added in the "next release". */
    public long revision;

    public WindowAcc() {}
}
