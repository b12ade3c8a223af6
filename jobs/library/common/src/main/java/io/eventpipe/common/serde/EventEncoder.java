package io.eventpipe.common.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventpipe.schema.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;

/** Writes events in the wire formats the decoder reads. Not thread-safe; one per task or thread. */
public final class EventEncoder {
    private final EventFormat format;
    private final BinaryMessageEncoder<Event> avro = Event.getEncoder();
    private final ObjectMapper json = new ObjectMapper();

    public EventEncoder(EventFormat format) {
        if (format != EventFormat.AVRO && format != EventFormat.JSON) {
            throw new IllegalArgumentException("eventpipe writes its own envelope, avro or json, not " + format);
        }
        this.format = format;
    }

    public byte[] encode(Event event) {
        try {
            if (format == EventFormat.AVRO) {
                return avro.encode(event).array();
            }
            ObjectNode node = json.createObjectNode();
            node.put("id", event.getId());
            node.put("time", event.getTime().toEpochMilli());
            node.put("type", event.getType());
            node.put("source", event.getSource());
            node.put("payload", event.getPayload());
            if (event.getHeaders() != null) {
                node.put("headers", event.getHeaders());
            }
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode event " + event.getId(), e);
        }
    }

    /** The record key used for events: the id, so that one id always lands in one partition. */
    public static byte[] key(Event event) {
        return event.getId().getBytes(StandardCharsets.UTF_8);
    }
}
