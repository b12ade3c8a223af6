package io.eventpipe.ingest.functions;

/**
 * Upgrade fixture: the released DedupEntry plus one field, as a next release might add it. Flink's POJO serializer
 * migrates state written without it.
 */
public class DedupEntry {
    public long firstSeenAt;
    /** Added in the "next release". */
    public String firstSeenBy;

    public DedupEntry() {}

    public DedupEntry(long firstSeenAt) {
        this.firstSeenAt = firstSeenAt;
        this.firstSeenBy = "v2";
    }
}
