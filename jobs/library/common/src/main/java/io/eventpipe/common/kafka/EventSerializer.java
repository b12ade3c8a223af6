package io.eventpipe.common.kafka;

import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Clean events: key = id, value = Avro single-object encoding, record timestamp = event time. */
public final class EventSerializer implements KafkaRecordSerializationSchema<Event> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient EventEncoder encoder;

    public EventSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new EventEncoder(EventFormat.AVRO);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Event event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, null, event.getTime().toEpochMilli(), EventEncoder.key(event), encoder.encode(event));
    }
}
