package io.eventpipe.aggregate.sinks;

import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Too-late events: the event as on the clean topic (key = id, Avro value), with the reason and its window. */
public final class LateEventSerializer implements KafkaRecordSerializationSchema<Event> {
    private static final long serialVersionUID = 1L;

    public static final String REASON = "eventpipe.late.reason";
    public static final String WINDOW_START = "eventpipe.late.window-start";
    public static final String WINDOW_END = "eventpipe.late.window-end";
    public static final String TOO_LATE = "TOO_LATE";

    private final String topic;
    private final long size;
    private transient EventEncoder encoder;

    public LateEventSerializer(String topic, Duration windowSize) {
        this.topic = topic;
        this.size = windowSize.toMillis();
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new EventEncoder(EventFormat.AVRO);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Event e, KafkaSinkContext context, Long timestamp) {
        long t = e.getTime().toEpochMilli();
        long start = t - Math.floorMod(t, size);
        RecordHeaders h = new RecordHeaders();
        h.add(REASON, TOO_LATE.getBytes(StandardCharsets.UTF_8));
        h.add(WINDOW_START, Instant.ofEpochMilli(start).toString().getBytes(StandardCharsets.UTF_8));
        h.add(WINDOW_END, Instant.ofEpochMilli(start + size).toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, null, EventEncoder.key(e), encoder.encode(e), h);
    }
}
