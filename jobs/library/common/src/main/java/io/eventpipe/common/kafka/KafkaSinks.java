package io.eventpipe.common.kafka;

import java.time.Duration;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The one way jobs build Kafka sinks: batching producers, transactional when exactly-once. */
public final class KafkaSinks {
    private KafkaSinks() {}

    /**
     * A Kafka sink of records for {@code topic} with the given guarantee; {@code naming},
     * {@code transactionalIdPrefix} and {@code transactionTimeout} apply to {@link SinkDelivery#EXACTLY_ONCE} only.
     */
    public static <T> KafkaSink<T> create(
            KafkaConnection kafka,
            String topic,
            KafkaRecordSerializationSchema<T> serializer,
            SinkDelivery delivery,
            TransactionNaming naming,
            String transactionalIdPrefix,
            Duration transactionTimeout) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(
                        delivery.transactional() ? kafka.producerConfig(transactionTimeout) : kafka.producerConfig())
                .setDeliveryGuarantee(delivery.flink())
                .setRecordSerializer(new TopicRecordSerializer<>(serializer, topic));
        if (delivery.transactional()) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix).setTransactionNamingStrategy(naming.flink());
        }
        return builder.build();
    }
}
