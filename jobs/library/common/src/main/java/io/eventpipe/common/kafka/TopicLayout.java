package io.eventpipe.common.kafka;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import java.time.Duration;
import java.util.List;

/**
 * How the job's topics should look on the cluster; the topics command creates or checks them accordingly.
 *
 * @param partitions partitions of each topic (the input's bound the source parallelism that does work)
 * @param replicationFactor replicas of each partition
 * @param minInsyncReplicas {@code min.insync.replicas}; with acks=all, writes need this many replicas
 * @param retention {@code retention.ms} of the input and output topics
 * @param deadLetterRetention {@code retention.ms} of dead-letter topics (kept longer, for repair)
 */
public record TopicLayout(
        int partitions,
        int replicationFactor,
        int minInsyncReplicas,
        Duration retention,
        Duration deadLetterRetention) {

    public static final Option<Integer> PARTITIONS =
            Option.integer("topics.partitions", 1, 6, "Partitions per topic, for the topics command.");
    public static final Option<Integer> REPLICATION_FACTOR =
            Option.integer("topics.replication-factor", 1, 3, "Replication factor per topic, for the topics command.");
    public static final Option<Integer> MIN_INSYNC_REPLICAS = Option.integer(
            "topics.min-insync-replicas", 1, 2, "min.insync.replicas per topic, for the topics command.");
    public static final Option<Duration> RETENTION = Option.duration(
            "topics.retention", "7d", "retention.ms of input and output topics, for the topics command.");
    public static final Option<Duration> DLQ_RETENTION = Option.duration(
            "topics.dlq-retention", "30d", "retention.ms of dead-letter topics, for the topics command.");

    public static final List<Option<?>> OPTIONS =
            List.of(PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS, RETENTION, DLQ_RETENTION);

    /** Reads the layout; problems are recorded in {@code s} (zeros stand in for values that did not parse). */
    public static TopicLayout read(ConfigReader s) {
        int partitions = orZero(s.get(PARTITIONS));
        int replicas = orZero(s.get(REPLICATION_FACTOR));
        int minIsr = orZero(s.get(MIN_INSYNC_REPLICAS));
        if (minIsr > replicas && replicas > 0) {
            s.problem("topics.min-insync-replicas: " + minIsr + " exceeds topics.replication-factor (" + replicas
                    + "); no write with acks=all could succeed");
        }
        return new TopicLayout(partitions, replicas, minIsr, s.get(RETENTION), s.get(DLQ_RETENTION));
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
