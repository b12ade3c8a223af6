package io.eventpipe.common.kafka;

import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;

/**
 * How the jobs' exactly-once Kafka sinks name their transactions ({@code sink.transaction-naming}).
 *
 * <ul>
 *   <li>{@code incrementing}: a new transactional id per subtask and checkpoint, {@code <prefix>-<subtask>-<n>}.
 *       The brokers keep state for every id until {@code transactional.id.expiration.ms} (7 days by default).</li>
 *   <li>{@code pooling}: the ids of transactions that have ended are used again, so each subtask keeps a few. On
 *       recovery the sink lists the open transactions of its prefix at the brokers to end them.</li>
 * </ul>
 */
public enum TransactionNaming {
    INCREMENTING(TransactionNamingStrategy.INCREMENTING),
    POOLING(TransactionNamingStrategy.POOLING);

    private final TransactionNamingStrategy flink;

    TransactionNaming(TransactionNamingStrategy flink) {
        this.flink = flink;
    }

    public TransactionNamingStrategy flink() {
        return flink;
    }
}
