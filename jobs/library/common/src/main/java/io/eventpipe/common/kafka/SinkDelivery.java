package io.eventpipe.common.kafka;

import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * What the jobs' Kafka sinks promise ({@code sink.delivery-guarantee}).
 *
 * <ul>
 *   <li>{@code exactly-once}: each sink subtask writes in a Kafka transaction that commits when the checkpoint
 *       completes. A {@code read_committed} consumer sees every record once, after failures too, one checkpoint
 *       later.</li>
 *   <li>{@code at-least-once}: records are visible as soon as they are written, and every record is flushed
 *       before a checkpoint completes, so none is lost; after a failure, what was written since the last checkpoint
 *       is written again, so consumers can see duplicates.</li>
 * </ul>
 */
public enum SinkDelivery {
    EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE),
    AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE);

    private final DeliveryGuarantee flink;

    SinkDelivery(DeliveryGuarantee flink) {
        this.flink = flink;
    }

    public DeliveryGuarantee flink() {
        return flink;
    }

    public boolean transactional() {
        return this == EXACTLY_ONCE;
    }
}
