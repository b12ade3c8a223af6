package io.eventpipe.common.job;

/** Where keyed state lives. */
public enum StateBackendKind {
    /** On the JVM heap; fast, bounded by memory. */
    HASHMAP,
    /** In embedded RocksDB on local disk, with incremental checkpoints; for state larger than memory. */
    ROCKSDB
}
