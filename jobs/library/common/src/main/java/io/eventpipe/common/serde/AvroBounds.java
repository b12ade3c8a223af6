package io.eventpipe.common.serde;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer's schema before Avro decodes it, and says what is wrong with it, if
 * anything. Avro's decoder allocates a string, bytes, array or map at the length the record claims before reading
 * it, so a 15-byte record claiming a 1 GiB string ends in {@link OutOfMemoryError}. Here every length is checked
 * against the bytes that remain, every varint must end within its width, strings must be strict UTF-8, and union
 * and enum indexes must be in range. Cost is linear in the body; nothing is allocated per length. Not thread-safe.
 */
final class AvroBounds {
    /** Deeper than this, a (recursive) schema is refused rather than risk the stack. */
    static final int MAX_DEPTH = 64;

    private final StrictUtf8 utf8 = new StrictUtf8();
    private byte[] buf;
    private int pos;
    private int end;

    /** Signals the first problem found; carries no stack trace, since bad records are routine. */
    private static final class Problem extends Exception {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @return null if {@code buf[from..end)} holds one well-formed value of {@code schema}, else what is wrong
     */
    String check(Schema schema, byte[] buf, int from, int end) {
        this.buf = buf;
        this.pos = from;
        this.end = end;
        try {
            value(schema, schema.getName(), 0);
            return null;
        } catch (Problem p) {
            return p.getMessage();
        } finally {
            this.buf = null;
        }
    }

    private void value(Schema s, String field, int depth) throws Problem {
        if (depth > MAX_DEPTH) {
            throw new Problem("value nested deeper than " + MAX_DEPTH + " levels");
        }
        switch (s.getType()) {
            case NULL -> {}
            case BOOLEAN -> skip(1, field);
            case INT -> varint(5, field);
            case LONG -> varint(10, field);
            case FLOAT -> skip(4, field);
            case DOUBLE -> skip(8, field);
            case FIXED -> skip(s.getFixedSize(), field);
            case ENUM -> index(s.getEnumSymbols().size(), field);
            case STRING -> utf8(length(field), field);
            case BYTES -> skip(length(field), field);
            case UNION -> {
                int branch = index(s.getTypes().size(), field);
                value(s.getTypes().get(branch), field, depth + 1);
            }
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    value(f.schema(), f.name(), depth + 1);
                }
            }
            case ARRAY -> blocks(s.getElementType(), null, field, depth);
            case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), field, depth);
        }
    }

    /** Arrays and maps come in blocks: a count (negative: followed by the block's size in bytes), then the items. */
    private void blocks(Schema item, Schema mapKey, String field, int depth) throws Problem {
        while (true) {
            long count = varint(10, field);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long size = varint(10, field);
                if (size < 0 || size > end - pos) {
                    throw new Problem("field '" + field + "' claims a block of " + size + " bytes, but only "
                            + (end - pos) + " remain");
                }
            }
            // every item takes at least one byte unless its type is null; more items than bytes is a lie
            if (count < 0 || (count > end - pos && (mapKey != null || item.getType() != Schema.Type.NULL))) {
                throw new Problem(
                        "field '" + field + "' claims " + count + " items, but only " + (end - pos) + " bytes remain");
            }
            for (long i = 0; i < count; i++) {
                if (mapKey != null) {
                    value(mapKey, field, depth + 1);
                }
                value(item, field, depth + 1);
            }
        }
    }

    private int index(int size, String field) throws Problem {
        long i = varint(5, field);
        if (i < 0 || i >= size) {
            throw new Problem("field '" + field + "' has index " + i + ", but only " + size + " are defined");
        }
        return (int) i;
    }

    private int length(String field) throws Problem {
        long len = varint(10, field);
        if (len < 0) {
            throw new Problem("field '" + field + "' has a negative length " + len);
        }
        if (len > end - pos) {
            throw new Problem("field '" + field + "' claims " + len + " bytes, but only " + (end - pos) + " remain");
        }
        return (int) len;
    }

    private void skip(int n, String field) throws Problem {
        if (n > end - pos) {
            throw new Problem("field '" + field + "' needs " + n + " bytes, but only " + (end - pos) + " remain");
        }
        pos += n;
    }

    private void utf8(int n, String field) throws Problem {
        if (!utf8.valid(buf, pos, n)) {
            throw new Problem("field '" + field + "' is not valid UTF-8");
        }
        pos += n;
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long varint(int maxBytes, String field) throws Problem {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= end) {
                throw new Problem("field '" + field + "' ends in the middle of a number");
            }
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new Problem("field '" + field + "' has a number longer than " + maxBytes + " bytes");
    }
}
