package io.eventpipe.common.serde;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.schema.Event;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Foreign JSON records as {@link Event}s, by a {@link FieldMapping}. A mapped field that is missing is a dead letter
 * of reason {@link Reason#MISSING_FIELD} naming the field and its key; one of the wrong kind is {@link
 * Reason#INVALID_FIELD}. Never throws anything but {@link DecodeException}.
 */
final class MappedJsonDecoder {
    private final FieldMapping mapping;
    private final ObjectMapper json;
    private final StrictUtf8 utf8 = new StrictUtf8();
    private final Field id;
    private final Field time;
    private final Field type;
    private final Field source;
    private final Field payload;

    /** A mapped field: its name (or pointer), the key that names it, and the pointer when it is one. */
    private record Field(String name, String key, JsonPointer pointer) {
        static Field of(String name, String key) {
            if (name == null) {
                return null;
            }
            return new Field(name, key, name.startsWith("/") ? JsonPointer.compile(name) : null);
        }

        JsonNode in(JsonNode node) {
            JsonNode v = pointer != null ? node.at(pointer) : node.get(name);
            return v == null || v.isMissingNode() || v.isNull() ? null : v;
        }

        JsonNode required(JsonNode node) throws DecodeException {
            JsonNode v = in(node);
            if (v == null) {
                throw new DecodeException(
                        Reason.MISSING_FIELD,
                        "mapped field '" + EventDecoder.truncate(name) + "' (" + key + ") is missing");
            }
            return v;
        }

        DecodeException invalid(String what) {
            return new DecodeException(
                    Reason.INVALID_FIELD,
                    "mapped field '" + EventDecoder.truncate(name) + "' (" + key + ") must be " + what);
        }
    }

    MappedJsonDecoder(FieldMapping mapping, ObjectMapper json) {
        this.mapping = mapping;
        this.json = json;
        this.id = Field.of(mapping.id(), FieldMapping.ID.key());
        this.time = Field.of(mapping.time(), FieldMapping.TIME.key());
        this.type = Field.of(mapping.type(), FieldMapping.TYPE.key());
        this.source = Field.of(mapping.source(), FieldMapping.SOURCE.key());
        this.payload = Field.of(mapping.payload(), FieldMapping.PAYLOAD.key());
    }

    Event decode(byte[] value) throws DecodeException {
        JsonNode node = EventDecoder.readObject(json, utf8, value);
        Event.Builder b = Event.newBuilder()
                .setId(id(id.required(node)))
                .setTime(time(time.required(node)))
                .setType(type == null ? mapping.typeConstant() : text(type, type.required(node)))
                .setSource(source == null ? mapping.sourceConstant() : text(source, source.required(node)));
        JsonNode data;
        if (payload != null) {
            data = payload.required(node);
        } else {
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            for (Field f : new Field[] {id, time, type, source}) {
                if (f != null && f.pointer() == null) {
                    rest.remove(f.name());
                }
            }
            data = rest;
        }
        try {
            b.setPayload(json.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new DecodeException("the mapped payload cannot be written as JSON text");
        }
        return b.build();
    }

    private String id(JsonNode v) throws DecodeException {
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.asText();
        }
        throw id.invalid("a string or an integer");
    }

    private Instant time(JsonNode v) throws DecodeException {
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw time.invalid("epoch milliseconds within range");
            }
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v.isTextual()) {
            try {
                Instant t = Instant.parse(v.textValue());
                t.toEpochMilli();
                return t;
            } catch (DateTimeException | ArithmeticException e) {
                throw time.invalid("an ISO-8601 instant within range");
            }
        }
        throw time.invalid("epoch milliseconds or an ISO-8601 instant");
    }

    private static String text(Field f, JsonNode v) throws DecodeException {
        if (!v.isTextual()) {
            throw f.invalid("a string");
        }
        return v.textValue();
    }
}
