package io.eventpipe.common.kafka;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.time.Duration;

/** The one way jobs build Kafka sinks: transactional, exactly-once, batching producers. */
public final class KafkaSinks {
    private KafkaSinks() {}

    public static <T> KafkaSink<T> exactlyOnce(KafkaConnection kafka, KafkaRecordSerializationSchema<T> serializer,
            String transactionalIdPrefix, Duration transactionTimeout) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.producerConfig(transactionTimeout))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(serializer)
                .build();
    }
}
