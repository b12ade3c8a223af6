package io.eventpipe.common.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.schema.Event;
import org.apache.avro.message.BinaryMessageDecoder;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Turns record values into {@link Event}s. Never throws anything but {@link DecodeException}: whatever the
 * bytes are, the caller gets an event or a reason. Not thread-safe; create one per task.
 */
public final class EventDecoder {
    private final EventFormat format;
    private final BinaryMessageDecoder<Event> avro;
    private final ObjectMapper json;

    public EventDecoder(EventFormat format, EnvelopeSchemas schemas) {
        this.format = format;
        this.avro = Event.createDecoder(schemas);
        this.json = new ObjectMapper();
    }

    public Event decode(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException("empty record value");
        }
        return format == EventFormat.AVRO ? decodeAvro(value) : decodeJson(value);
    }

    private Event decodeAvro(byte[] value) throws DecodeException {
        try {
            return avro.decode(value);
        } catch (IOException | RuntimeException e) {
            // BadHeaderException, MissingSchemaException, EOF, and whatever garbage bodies provoke
            String msg = e.getMessage();
            throw new DecodeException("not an Avro single-object encoded event: "
                    + e.getClass().getSimpleName() + (msg == null ? "" : ": " + truncate(msg)));
        }
    }

    private Event decodeJson(byte[] value) throws DecodeException {
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (IOException e) {
            throw new DecodeException("not a JSON document: " + truncate(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException("not a JSON object");
        }
        Event.Builder b = Event.newBuilder()
                .setId(text(node, "id"))
                .setType(text(node, "type"))
                .setSource(text(node, "source"))
                .setTime(time(node.get("time")));
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            throw new DecodeException("field 'payload' is missing");
        }
        try {
            b.setPayload(payload.isTextual() ? payload.textValue() : json.writeValueAsString(payload));
        } catch (JsonProcessingException e) {
            throw new DecodeException("field 'payload' cannot be written as JSON text");
        }
        JsonNode headers = node.get("headers");
        if (headers != null && !headers.isNull()) {
            b.setHeaders(headers.isTextual() ? headers.textValue() : headers.toString());
        }
        return b.build();
    }

    /** Missing text fields become empty strings, which validation reports as missing. */
    private static String text(JsonNode node, String field) throws DecodeException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isValueNode()) {
            throw new DecodeException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static Instant time(JsonNode v) throws DecodeException {
        if (v == null || v.isNull()) {
            throw new DecodeException("field 'time' is missing");
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                throw new DecodeException("field 'time' is not an ISO-8601 instant: " + truncate(v.textValue()));
            }
        }
        throw new DecodeException("field 'time' must be epoch milliseconds or an ISO-8601 instant");
    }

    static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
