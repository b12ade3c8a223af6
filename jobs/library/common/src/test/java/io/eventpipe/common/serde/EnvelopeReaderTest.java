package io.eventpipe.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.schema.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** The direct envelope reader gives exactly what Avro's resolving decoder gives, for every envelope version. */
class EnvelopeReaderTest {
    private final EnvelopeSchemas schemas = EnvelopeSchemas.load();

    private static String text(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            // ASCII, accented letters, CJK and a supplementary character (a surrogate pair in Java)
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) ('a' + r.nextInt(26)));
                case 1 -> sb.append('é');
                case 2 -> sb.append('日');
                default -> sb.appendCodePoint(0x1F600);
            }
        }
        return sb.toString();
    }

    private static List<Event> events() {
        Random r = new Random(5);
        List<Event> out = new ArrayList<>();
        long[] times = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L};
        for (int i = 0; i < 300; i++) {
            long time = i < times.length ? times[i] : r.nextLong();
            out.add(new Event(
                    text(r), Instant.ofEpochMilli(time), text(r), text(r), text(r), r.nextBoolean() ? null : text(r)));
        }
        return out;
    }

    @Test
    void readsEveryVersionAsAvroDoes() throws Exception {
        var avro = Event.createDecoder(schemas);
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, schemas);
        for (Schema version : schemas.versions()) {
            assertThat(EnvelopeReader.reads(version)).as(version.toString()).isTrue();
            BinaryMessageEncoder<GenericRecord> encoder = new BinaryMessageEncoder<>(GenericData.get(), version);
            for (Event e : events()) {
                GenericRecord g = new GenericData.Record(version);
                for (Schema.Field f : version.getFields()) {
                    g.put(f.name(), f.name().equals("time") ? e.getTime().toEpochMilli() : e.get(f.name()));
                }
                byte[] bytes = encoder.encode(g).array();
                Event expected = avro.decode(bytes);
                assertThat(decoder.decode(bytes)).isEqualTo(expected);
                if (version.getField("headers") == null) {
                    assertThat(expected.getHeaders()).isNull();
                }
            }
        }
    }

    @Test
    void onlyEnvelopeShapesAreReadDirectly() {
        Schema latest = schemas.latest();
        assertThat(EnvelopeReader.reads(latest)).isTrue();
        Schema extraField = new Schema.Parser()
                .parse(latest.toString().replace("\"fields\":[", "\"fields\":[{\"name\":\"extra\",\"type\":\"int\"},"));
        assertThat(EnvelopeReader.reads(extraField)).isFalse();
        Schema intTime = new Schema.Parser()
                .parse(latest.toString()
                        .replace("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"int\""));
        assertThat(EnvelopeReader.reads(intTime)).isFalse();
        Schema otherName =
                new Schema.Parser().parse(latest.toString().replace("\"name\":\"Event\"", "\"name\":\"Other\""));
        assertThat(EnvelopeReader.reads(otherName)).isFalse();
    }
}
