package io.eventpipe.common.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.schema.Event;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Turns record values into {@link Event}s. Never throws anything but {@link DecodeException}: whatever the
 * bytes are, the caller gets an event or a reason. Work and memory are bounded by the record's size: an Avro body is
 * checked against its writer's schema ({@link AvroBounds}) before Avro allocates anything, and JSON is read within
 * {@link JsonLimits}. Not thread-safe; create one per task.
 */
public final class EventDecoder {
    /** Avro single-object encoding: two marker bytes, then the writer schema's 64-bit fingerprint, little-endian. */
    private static final int HEADER_BYTES = 10;

    private final EventFormat format;
    private final EnvelopeSchemas schemas;
    private final BinaryMessageDecoder<Event> avro;
    private final AvroBounds bounds = new AvroBounds();
    private final EnvelopeReader envelope = new EnvelopeReader();
    /** Writer schema → whether {@link EnvelopeReader} reads it (else Avro's resolving decoder does). */
    private final Map<Schema, Boolean> direct = new IdentityHashMap<>();

    private final StrictUtf8 utf8 = new StrictUtf8();
    private final ObjectMapper json;
    private final CloudEventsDecoder cloudEvents;
    private final MappedJsonDecoder mapped;

    public EventDecoder(EventFormat format, EnvelopeSchemas schemas) {
        this(format, schemas, JsonLimits.DEFAULTS);
    }

    public EventDecoder(EventFormat format, EnvelopeSchemas schemas, JsonLimits limits) {
        this(format, schemas, limits, null);
    }

    /** @param mapping the field mapping of {@link EventFormat#MAPPED_JSON}, else null */
    public EventDecoder(EventFormat format, EnvelopeSchemas schemas, JsonLimits limits, FieldMapping mapping) {
        if ((format == EventFormat.MAPPED_JSON) != (mapping != null)) {
            throw new IllegalArgumentException("a field mapping goes with mapped-json, and only with it");
        }
        this.format = format;
        this.schemas = schemas;
        this.avro = Event.createDecoder(schemas);
        this.json = limits.mapper();
        this.cloudEvents = new CloudEventsDecoder(json);
        this.mapped = mapping == null ? null : new MappedJsonDecoder(mapping, json);
    }

    /** The event in {@code raw}: its value, and for {@link EventFormat#CLOUDEVENTS} its headers too. */
    public Event decode(RawRecord raw) throws DecodeException {
        if (format == EventFormat.CLOUDEVENTS) {
            return cloudEvents.decode(raw);
        }
        return decode(raw.value);
    }

    public Event decode(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException("empty record value");
        }
        return switch (format) {
            case AVRO -> decodeAvro(value);
            case JSON -> decodeJson(value);
            case CLOUDEVENTS -> throw new DecodeException("a CloudEvent is read with its record's headers");
            case MAPPED_JSON -> mapped.decode(value);
        };
    }

    private Event decodeAvro(byte[] value) throws DecodeException {
        if (value.length < HEADER_BYTES || value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
            throw new DecodeException("not an Avro single-object encoded event: no C3 01 marker and fingerprint");
        }
        long fingerprint = 0;
        for (int i = HEADER_BYTES - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (value[i] & 0xff);
        }
        Schema writer = schemas.findByFingerprint(fingerprint);
        if (writer == null) {
            throw new DecodeException("not an event of a known envelope version: schema fingerprint "
                    + Long.toHexString(fingerprint) + " is unknown");
        }
        String problem = bounds.check(writer, value, HEADER_BYTES, value.length);
        if (problem != null) {
            throw new DecodeException("malformed Avro body: " + problem);
        }
        try {
            if (direct.computeIfAbsent(writer, EnvelopeReader::reads)) {
                return envelope.read(writer, value, HEADER_BYTES);
            }
            return avro.decode(value);
        } catch (IOException | RuntimeException e) {
            // BadHeaderException, MissingSchemaException, EOF, and whatever garbage bodies provoke
            String msg = e.getMessage();
            throw new DecodeException("not an Avro single-object encoded event: "
                    + e.getClass().getSimpleName() + (msg == null ? "" : ": " + truncate(msg)));
        }
    }

    /**
     * {@code value} as a JSON object, read within the mapper's {@link JsonLimits}: invalid UTF-8, text that is not
     * JSON and JSON that is not an object are {@link Reason#UNDECODABLE}, a limit is {@link Reason#PAYLOAD_LIMIT}.
     */
    static JsonNode readObject(ObjectMapper json, StrictUtf8 utf8, byte[] value) throws DecodeException {
        if (!utf8.valid(value, 0, value.length)) {
            throw new DecodeException("not a JSON document: not valid UTF-8");
        }
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (IOException | RuntimeException e) {
            if (JsonLimits.isLimit(e)) {
                throw new DecodeException(Reason.PAYLOAD_LIMIT, "JSON exceeds a limit: " + truncate(e.getMessage()));
            }
            throw new DecodeException("not a JSON document: " + truncate(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException("not a JSON object");
        }
        return node;
    }

    private Event decodeJson(byte[] value) throws DecodeException {
        JsonNode node = readObject(json, utf8, value);
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
            if (!v.canConvertToLong()) {
                throw new DecodeException("field 'time' is out of range: " + truncate(v.asText()));
            }
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v.isTextual()) {
            try {
                Instant t = Instant.parse(v.textValue());
                t.toEpochMilli(); // the event's time is kept in milliseconds: it must fit
                return t;
            } catch (DateTimeException | ArithmeticException e) {
                throw new DecodeException(
                        "field 'time' is not an ISO-8601 instant within range: " + truncate(v.textValue()));
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
