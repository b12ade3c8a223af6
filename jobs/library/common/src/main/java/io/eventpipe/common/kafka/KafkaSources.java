package io.eventpipe.common.kafka;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;

/** The one way jobs build Kafka sources: raw records, read_committed, offsets committed on checkpoints. */
public final class KafkaSources {
    private KafkaSources() {}

    /**
     * A source of the topic's records as bytes plus coordinates; decoding happens in the job, where a record that
     * is not an event can become a dead letter instead of failing the source.
     */
    public static KafkaSource<RawRecord> rawRecords(
            KafkaConnection kafka, String topic, String groupId, StartingOffsets startingOffsets) {
        return rawRecords(kafka, topic, groupId, startingOffsets, StoppingOffsets.NONE);
    }

    /** As above, bounded by {@code stoppingOffsets} unless they are {@link StoppingOffsets#NONE}. */
    public static KafkaSource<RawRecord> rawRecords(
            KafkaConnection kafka,
            String topic,
            String groupId,
            StartingOffsets startingOffsets,
            StoppingOffsets stoppingOffsets) {
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.clientConfig())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets.initializer())
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (stoppingOffsets.bounded()) {
            builder.setBounded(stoppingOffsets.initializer());
        }
        return builder.build();
    }
}
