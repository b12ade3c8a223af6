package io.eventpipe.common.kafka;

import io.eventpipe.common.deadletter.RawRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;

/** The one way jobs build Kafka sources: raw records, read_committed, offsets committed on checkpoints. */
public final class KafkaSources {
    private KafkaSources() {}

    /**
     * A source of the topic's records as bytes plus coordinates; decoding happens in the job, where a record that
     * is not an event can become a dead letter instead of failing the source.
     */
    public static KafkaSource<RawRecord> rawRecords(KafkaConnection kafka, String topic, String groupId,
            StartingOffsets startingOffsets) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.clientConfig())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(startingOffsets.initializer())
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }
}
