package io.eventpipe.common.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.schema.Event;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CloudEvents 1.0 over Kafka, in both content modes of the Kafka protocol binding, as {@link Event}s: {@code id},
 * {@code source}, {@code type} and {@code time} fill the envelope, {@code data} becomes the payload (as JSON text),
 * and the other attributes (extensions, {@code subject}, {@code dataschema}) go into the event's headers as a JSON
 * object.
 *
 * <ul>
 *   <li>Structured mode: the record's {@code content-type} header is {@code application/cloudevents+json}, and its
 *       value is the event in the JSON event format, read within {@link JsonLimits}.
 *   <li>Binary mode: the attributes are {@code ce_<name>} headers (UTF-8), the data is the value, and the {@code
 *       content-type} header is its {@code datacontenttype}.
 * </ul>
 *
 * <p>The spec's required attributes ({@code specversion} 1.0, {@code id}, {@code source}, {@code type}) are checked;
 * {@code time} is required too, because every eventpipe event has one. Data that is not JSON ({@code datacontenttype}
 * other than {@code application/json}, {@code text/json} or {@code *+json}, or {@code data_base64}) is a dead letter
 * of reason {@link Reason#UNSUPPORTED_CONTENT_TYPE}. Never throws anything but {@link DecodeException}.
 */
final class CloudEventsDecoder {
    static final String CONTENT_TYPE = "content-type";
    static final String STRUCTURED = "application/cloudevents+json";
    private static final String PREFIX = "ce_";
    /** Attributes of the envelope or of the data, not copied into the event's headers. */
    private static final Set<String> MAPPED =
            Set.of("specversion", "id", "source", "type", "time", "datacontenttype", "data", "data_base64");

    private final ObjectMapper json;
    private final StrictUtf8 utf8 = new StrictUtf8();

    CloudEventsDecoder(ObjectMapper json) {
        this.json = json;
    }

    Event decode(RawRecord raw) throws DecodeException {
        String contentType = header(raw, CONTENT_TYPE);
        String media = contentType == null ? null : mediaType(contentType);
        if (media != null && media.startsWith("application/cloudevents")) {
            if (!media.equals(STRUCTURED)) {
                throw new DecodeException(
                        Reason.UNSUPPORTED_CONTENT_TYPE,
                        "a structured CloudEvent in " + EventDecoder.truncate(media) + ": only " + STRUCTURED
                                + " is read");
            }
            return structured(raw.value);
        }
        String specVersion = header(raw, PREFIX + "specversion");
        if (specVersion != null) {
            return binary(raw, specVersion, media);
        }
        throw new DecodeException("not a CloudEvent: neither a ce_specversion header (binary mode) nor content-type "
                + STRUCTURED + " (structured mode)");
    }

    private Event structured(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException("a structured CloudEvent with an empty value");
        }
        JsonNode node = EventDecoder.readObject(json, utf8, value);
        specVersion(text(node, "specversion"));
        Event.Builder b = Event.newBuilder()
                .setId(required(text(node, "id"), "id"))
                .setSource(required(text(node, "source"), "source"))
                .setType(required(text(node, "type"), "type"))
                .setTime(time(text(node, "time")));
        if (node.has("data_base64")) {
            throw new DecodeException(Reason.UNSUPPORTED_CONTENT_TYPE, "data_base64: the data is not JSON");
        }
        String dataType = text(node, "datacontenttype");
        jsonData(dataType == null ? null : mediaType(dataType));
        JsonNode data = node.get("data");
        if (data == null || data.isNull()) {
            throw new DecodeException(Reason.MISSING_FIELD, "CloudEvents attribute 'data' is missing");
        }
        ObjectNode extensions = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!MAPPED.contains(f.getKey())) {
                extensions.set(f.getKey(), f.getValue());
            }
        }
        try {
            b.setPayload(json.writeValueAsString(data));
            if (!extensions.isEmpty()) {
                b.setHeaders(json.writeValueAsString(extensions));
            }
        } catch (JsonProcessingException e) {
            throw new DecodeException("the CloudEvent's data cannot be written as JSON text");
        }
        return b.build();
    }

    private Event binary(RawRecord raw, String specVersion, String media) throws DecodeException {
        specVersion(specVersion);
        Event.Builder b = Event.newBuilder()
                .setId(required(header(raw, PREFIX + "id"), "id"))
                .setSource(required(header(raw, PREFIX + "source"), "source"))
                .setType(required(header(raw, PREFIX + "type"), "type"))
                .setTime(time(header(raw, PREFIX + "time")));
        jsonData(media);
        byte[] value = raw.value;
        if (value == null || value.length == 0) {
            throw new DecodeException(Reason.MISSING_FIELD, "the CloudEvent has no data (an empty record value)");
        }
        if (!utf8.valid(value, 0, value.length)) {
            throw new DecodeException(Reason.PAYLOAD_NOT_JSON, "the CloudEvent's data is not valid UTF-8");
        }
        // validation parses the payload within its limits, as for every format
        b.setPayload(new String(value, StandardCharsets.UTF_8));
        ObjectNode extensions = json.createObjectNode();
        if (raw.headerKeys != null) {
            for (int i = 0; i < raw.headerKeys.length; i++) {
                String k = raw.headerKeys[i];
                byte[] v = raw.headerValues[i];
                if (k.startsWith(PREFIX) && !MAPPED.contains(k.substring(PREFIX.length())) && v != null) {
                    if (!utf8.valid(v, 0, v.length)) {
                        throw new DecodeException("header " + EventDecoder.truncate(k) + " is not valid UTF-8");
                    }
                    // a later header of the same name replaces an earlier one, as Kafka's lastHeader reads them
                    extensions.put(k.substring(PREFIX.length()), new String(v, StandardCharsets.UTF_8));
                }
            }
        }
        if (!extensions.isEmpty()) {
            b.setHeaders(extensions.toString());
        }
        return b.build();
    }

    private static void specVersion(String v) throws DecodeException {
        if (v == null) {
            throw new DecodeException(Reason.MISSING_FIELD, "CloudEvents attribute 'specversion' is missing");
        }
        if (!v.equals("1.0")) {
            throw new DecodeException("CloudEvents specversion " + EventDecoder.truncate(v) + " is not 1.0");
        }
    }

    private static String required(String v, String attribute) throws DecodeException {
        if (v == null || v.isEmpty()) {
            throw new DecodeException(Reason.MISSING_FIELD, "CloudEvents attribute '" + attribute + "' is missing");
        }
        return v;
    }

    private static Instant time(String v) throws DecodeException {
        if (v == null || v.isEmpty()) {
            throw new DecodeException(
                    Reason.MISSING_FIELD, "CloudEvents attribute 'time' is missing; every eventpipe event has a time");
        }
        try {
            Instant t = Instant.parse(v);
            t.toEpochMilli(); // kept in milliseconds: it must fit
            return t;
        } catch (DateTimeException | ArithmeticException e) {
            throw new DecodeException(
                    Reason.INVALID_FIELD,
                    "CloudEvents attribute 'time' is not an RFC 3339 timestamp within range: "
                            + EventDecoder.truncate(v));
        }
    }

    /** Data of {@code media} (null: none given, JSON by the spec's default) must be JSON. */
    private static void jsonData(String media) throws DecodeException {
        if (media == null || media.equals("application/json") || media.equals("text/json") || media.endsWith("+json")) {
            return;
        }
        throw new DecodeException(
                Reason.UNSUPPORTED_CONTENT_TYPE,
                "datacontenttype " + EventDecoder.truncate(media) + " is not JSON; eventpipe payloads are JSON");
    }

    /** {@code application/json; charset=utf-8} → {@code application/json}. */
    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** A JSON attribute as text: null where absent or JSON null; a non-string is an error. */
    private static String text(JsonNode node, String field) throws DecodeException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new DecodeException(Reason.INVALID_FIELD, "CloudEvents attribute '" + field + "' must be a string");
        }
        return v.textValue();
    }

    /** The last header named {@code name} as UTF-8 text, null where there is none or it has no value. */
    private String header(RawRecord raw, String name) throws DecodeException {
        if (raw.headerKeys == null) {
            return null;
        }
        for (int i = raw.headerKeys.length - 1; i >= 0; i--) {
            if (raw.headerKeys[i].equals(name)) {
                byte[] v = raw.headerValues[i];
                if (v == null) {
                    return null;
                }
                if (!utf8.valid(v, 0, v.length)) {
                    throw new DecodeException("header " + EventDecoder.truncate(name) + " is not valid UTF-8");
                }
                return new String(v, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
