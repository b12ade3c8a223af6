package io.eventpipe.common.serde;

import io.eventpipe.schema.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Reads an envelope body straight into an {@link Event}, for writer schemas made of the envelope's own fields
 * ({@link #reads}); the body must already have passed {@link AvroBounds} (every length within the record, strings
 * strict UTF-8, union indexes in range), so nothing here can over-read or allocate more than the record holds.
 * Fields the writer lacks keep the reader's default (v1 has no {@code headers}). This is what Avro's resolving
 * decoder does for these schemas, without building its grammar per record: the profile of the ingest job showed
 * Avro's decoder at about a tenth of its time.
 */
final class EnvelopeReader {
    private byte[] buf;
    private int pos;

    /**
     * Whether {@code writer} is an envelope this reader handles: a record whose fields are the envelope's, each
     * with the type the current envelope gives it, and that has every field the current envelope requires.
     */
    static boolean reads(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD
                || !writer.getFullName().equals(Event.getClassSchema().getFullName())) {
            return false;
        }
        for (String required : List.of("id", "time", "type", "source", "payload")) {
            if (writer.getField(required) == null) {
                return false;
            }
        }
        for (Schema.Field f : writer.getFields()) {
            Schema s = f.schema();
            boolean ok = switch (f.name()) {
                case "id", "type", "source", "payload" -> s.getType() == Schema.Type.STRING;
                case "time" ->
                    s.getType() == Schema.Type.LONG
                            && s.getLogicalType() != null
                            && s.getLogicalType().getName().equals("timestamp-millis");
                case "headers" ->
                    s.getType() == Schema.Type.UNION
                            && s.getTypes().size() == 2
                            && s.getTypes().get(0).getType() == Schema.Type.NULL
                            && s.getTypes().get(1).getType() == Schema.Type.STRING;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The event in {@code buf[from..)}, written with {@code writer} (for which {@link #reads} is true). */
    Event read(Schema writer, byte[] buf, int from) {
        this.buf = buf;
        this.pos = from;
        try {
            Event e = new Event();
            for (Schema.Field f : writer.getFields()) {
                switch (f.name()) {
                    case "id" -> e.setId(string());
                    case "type" -> e.setType(string());
                    case "source" -> e.setSource(string());
                    case "payload" -> e.setPayload(string());
                    case "time" -> e.setTime(Instant.ofEpochMilli(varint()));
                    case "headers" -> e.setHeaders(varint() == 0 ? null : string());
                    default -> throw new IllegalStateException("not an envelope field: " + f.name());
                }
            }
            return e;
        } finally {
            this.buf = null;
        }
    }

    private String string() {
        int len = (int) varint();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private long varint() {
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }
}
