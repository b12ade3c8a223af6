package io.eventpipe.common.kafka;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.time.Duration;

/** The one way jobs build Kafka sinks: batching producers, transactional when exactly-once. */
public final class KafkaSinks {
    private KafkaSinks() {}

    /**
     * A Kafka sink with the given guarantee; {@code transactionalIdPrefix} and {@code transactionTimeout} apply to
     * {@link SinkDelivery#EXACTLY_ONCE} only.
     */
    public static <T> KafkaSink<T> create(KafkaConnection kafka, KafkaRecordSerializationSchema<T> serializer,
            SinkDelivery delivery, String transactionalIdPrefix, Duration transactionTimeout) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(delivery.transactional() ? kafka.producerConfig(transactionTimeout)
                        : kafka.producerConfig())
                .setDeliveryGuarantee(delivery.flink())
                .setRecordSerializer(serializer);
        if (delivery.transactional()) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }
}
