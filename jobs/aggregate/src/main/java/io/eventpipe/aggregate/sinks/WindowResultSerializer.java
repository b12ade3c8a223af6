package io.eventpipe.aggregate.sinks;

import io.eventpipe.aggregate.functions.WindowResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Window results as JSON, keyed by (window start, type, source), so that a compacted topic keeps the latest value of
 * a window that fired again.
 */
public final class WindowResultSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public WindowResultSerializer(String topic) {
        this.topic = topic;
    }

    public static String key(WindowResult r) {
        return Instant.ofEpochMilli(r.windowStart) + "|" + r.type + "|" + r.source;
    }

    public static String json(WindowResult r) {
        return "{\"windowStart\":\"" + Instant.ofEpochMilli(r.windowStart) + "\",\"windowEnd\":\""
                + Instant.ofEpochMilli(r.windowEnd) + "\",\"type\":" + quote(r.type) + ",\"source\":"
                + quote(r.source) + ",\"eventCount\":" + r.eventCount + ",\"firstEventTime\":\""
                + Instant.ofEpochMilli(r.firstEventTime) + "\",\"lastEventTime\":\""
                + Instant.ofEpochMilli(r.lastEventTime) + "\",\"metrics\":" + r.metrics + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(WindowResult r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                r.windowEnd,
                key(r).getBytes(StandardCharsets.UTF_8),
                json(r).getBytes(StandardCharsets.UTF_8));
    }
}
