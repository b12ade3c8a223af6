package io.eventpipe.ingest.functions;

/**
 * Dedup state per event id: when the id was first seen. A POJO so that fields can be added across upgrades.
 */
public class DedupEntry {
    /** Processing time (epoch millis) at which the first occurrence passed. */
    public long firstSeenAt;

    public DedupEntry() {}

    public DedupEntry(long firstSeenAt) {
        this.firstSeenAt = firstSeenAt;
    }
}
