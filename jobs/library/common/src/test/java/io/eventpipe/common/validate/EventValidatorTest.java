package io.eventpipe.common.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class EventValidatorTest {
    private static final long NOW = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    private static final ValidationRules RULES =
            new ValidationRules(EventFormat.AVRO, 2048, Duration.ofMinutes(5), Duration.ofDays(7));

    private final EventValidator avro = EventValidator.create(RULES);
    private final EventValidator json = EventValidator.create(
            new ValidationRules(EventFormat.JSON, 2048, Duration.ofMinutes(5), Duration.ofDays(7)));
    private final EventEncoder encoder = new EventEncoder(EventFormat.AVRO);

    static Event order(String id, long time) {
        return Event.newBuilder()
                .setId(id)
                .setTime(Instant.ofEpochMilli(time))
                .setType("order.created")
                .setSource("checkout")
                .setPayload("{\"orderId\":\"o1\",\"customerId\":\"c1\",\"amount\":12.5,"
                        + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\",\"quantity\":1}]}")
                .build();
    }

    private EventValidator.Outcome check(EventValidator v, byte[] value) {
        return v.check(
                new RawRecord("k".getBytes(StandardCharsets.UTF_8), value, "events", 2, 41, NOW),
                new EventValidator.Outcome());
    }

    private Reason reasonFor(Event e) {
        EventValidator.Outcome o = check(avro, encoder.encode(e));
        assertThat(o.event).isNull();
        return o.deadLetter.reason;
    }

    @Test
    void validEventPasses() {
        Event e = order("id-1", NOW - 1000);
        EventValidator.Outcome o = check(avro, encoder.encode(e));
        assertThat(o.deadLetter).isNull();
        assertThat(o.event).isEqualTo(e);
    }

    @Test
    void eventWrittenWithTheOldestEnvelopeVersionIsRead() throws Exception {
        Schema v1 = EnvelopeSchemas.load().versions().get(0);
        GenericRecord r = new GenericData.Record(v1);
        r.put("id", "old-1");
        r.put("time", NOW);
        r.put("type", "page.viewed");
        r.put("source", "web");
        r.put("payload", "{\"path\":\"/\"}");
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(r)
                .array()
                .clone();
        EventValidator.Outcome o = check(avro, bytes);
        assertThat(o.event).isNotNull();
        assertThat(o.event.getId()).isEqualTo("old-1");
        assertThat(o.event.getHeaders()).isNull();
    }

    @Test
    void deadLetterKeepsOriginalBytesAndCoordinates() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        EventValidator.Outcome o = check(avro, garbage);
        assertThat(o.deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(o.deadLetter.value).isEqualTo(garbage);
        assertThat(o.deadLetter.key).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(o.deadLetter.topic).isEqualTo("events");
        assertThat(o.deadLetter.partition).isEqualTo(2);
        assertThat(o.deadLetter.offset).isEqualTo(41);
        assertThat(o.deadLetter.message).contains("single-object");
    }

    @Test
    void truncatedAvroIsUndecodable() {
        byte[] good = encoder.encode(order("id-1", NOW));
        assertThat(check(avro, java.util.Arrays.copyOf(good, 14)).deadLetter.reason)
                .isEqualTo(Reason.UNDECODABLE);
        assertThat(check(avro, new byte[0]).deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(check(avro, null).deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
    }

    @Test
    void oversizedRecordIsTooLarge() {
        Event e = order("id-1", NOW);
        e.setPayload("{\"p\":\"" + "x".repeat(3000) + "\"}");
        assertThat(reasonFor(e)).isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void emptyIdOrTypeIsMissingField() {
        Event noId = order("", NOW);
        Event noType = order("id-1", NOW);
        noType.setType(" ");
        assertThat(reasonFor(noId)).isEqualTo(Reason.MISSING_FIELD);
        assertThat(reasonFor(noType)).isEqualTo(Reason.MISSING_FIELD);
    }

    @Test
    void typeThatIsNotAPathSegmentIsInvalid() {
        Event e = order("id-1", NOW);
        e.setType("../etc");
        assertThat(reasonFor(e)).isEqualTo(Reason.INVALID_FIELD);
        assertThat(reasonFor(order("i".repeat(300), NOW))).isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void theTypeCheckAgreesWithTheTypePattern() {
        java.util.List<String> types = new java.util.ArrayList<>(java.util.List.of(
                "",
                "a",
                "A",
                "0",
                ".",
                "_",
                "-",
                "a.",
                "a_b-c.9",
                "order.created",
                "é",
                "aé",
                "a b",
                "a/b",
                "a\u0000",
                "a\uD83D\uDE00",
                "Z" + "z".repeat(127),
                "Z" + "z".repeat(128),
                "../etc",
                "a..b",
                "9-"));
        java.util.Random random = new java.util.Random(7);
        String alphabet = "aZ09._-/ é\u0130\u212A";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(4) == 0 ? 120 + random.nextInt(20) : random.nextInt(6);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            types.add(b.toString());
        }
        for (String t : types) {
            assertThat(EventValidator.validType(t))
                    .as(t)
                    .isEqualTo(EventValidator.TYPE_PATTERN.matcher(t).matches());
        }
    }

    @Test
    void timeIsJudgedAgainstTheRecordTimestampNotTheWallClock() {
        assertThat(reasonFor(order("a", NOW + Duration.ofMinutes(6).toMillis())))
                .isEqualTo(Reason.TIME_IN_FUTURE);
        assertThat(reasonFor(order("b", NOW - Duration.ofDays(8).toMillis()))).isEqualTo(Reason.TIME_TOO_OLD);
        assertThat(check(
                                avro,
                                encoder.encode(
                                        order("c", NOW + Duration.ofMinutes(4).toMillis())))
                        .event)
                .isNotNull();
    }

    @Test
    void payloadThatIsNotJsonIsRejected() {
        Event e = order("id-1", NOW);
        e.setPayload("{\"orderId\": ");
        assertThat(reasonFor(e)).isEqualTo(Reason.PAYLOAD_NOT_JSON);
        e.setPayload("");
        assertThat(reasonFor(e)).isEqualTo(Reason.PAYLOAD_NOT_JSON);
    }

    @Test
    void payloadBreakingItsContractIsRejectedWithTheViolation() {
        Event e = order("id-1", NOW);
        e.setPayload("{\"orderId\":\"o1\",\"customerId\":\"c1\",\"currency\":\"EUR\",\"items\":[]}");
        EventValidator.Outcome o = check(avro, encoder.encode(e));
        assertThat(o.deadLetter.reason).isEqualTo(Reason.PAYLOAD_CONTRACT);
        assertThat(o.deadLetter.message).contains("amount");
    }

    @Test
    void typeWithoutContractOnlyNeedsJson() {
        Event e = order("id-1", NOW);
        e.setType("something.new");
        e.setPayload("[1,2,3]");
        assertThat(check(avro, encoder.encode(e)).event).isNotNull();
    }

    @Test
    void jsonFormatIsAccepted() {
        String doc = "{\"id\":\"j-1\",\"time\":\"2026-11-27T09:59:00Z\",\"type\":\"payment.captured\","
                + "\"source\":\"pay\",\"payload\":{\"paymentId\":\"p\",\"orderId\":\"o\",\"amount\":3,"
                + "\"currency\":\"USD\",\"method\":\"card\"}}";
        EventValidator.Outcome o = check(json, doc.getBytes(StandardCharsets.UTF_8));
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getTime()).isEqualTo(Instant.parse("2026-11-27T09:59:00Z"));
        assertThat(o.event.getPayload()).contains("\"method\":\"card\"");

        assertThat(check(json, "{\"id\":1".getBytes(StandardCharsets.UTF_8)).deadLetter.reason)
                .isEqualTo(Reason.UNDECODABLE);
        assertThat(check(json, "{\"id\":\"x\",\"type\":\"t\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .message)
                .contains("time");
    }

    // --- hostile input: every answer is a dead letter with a reason, never an exception or an allocation by claim

    /** Marker, fingerprint of the latest envelope, then {@code body}. */
    private static byte[] single(byte[] body) {
        long fp = org.apache.avro.SchemaNormalization.parsingFingerprint64(Event.getClassSchema());
        byte[] out = new byte[10 + body.length];
        out[0] = (byte) 0xC3;
        out[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (byte) (fp >>> (8 * i));
        }
        System.arraycopy(body, 0, out, 10, body.length);
        return out;
    }

    /** Zig-zag varint. */
    private static byte[] varint(long v) {
        long z = (v << 1) ^ (v >> 63);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            b.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        b.write((int) z);
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return concat(varint(u.length), u);
    }

    @Test
    void aStringLengthBeyondTheRecordIsUndecodableWithoutAllocatingIt() {
        byte[] fifteen = single(varint(1L << 30)); // the 15-byte record that claims a 1 GiB id
        assertThat(fifteen).hasSize(15);
        EventValidator.Outcome o = check(avro, fifteen);
        assertThat(o.deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(o.deadLetter.message).contains("field 'id' claims 1073741824 bytes, but only 0 remain");
    }

    @Test
    void negativeLengthsUnendingNumbersAndBadUnionIndexesAreUndecodable() {
        assertThat(check(avro, single(varint(-5))).deadLetter.message).contains("negative length");
        byte[] ff = new byte[40];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertThat(check(avro, single(ff)).deadLetter.message).contains("number longer than 10 bytes");
        byte[] badUnion =
                single(concat(str("id-1"), varint(NOW), str("page.viewed"), str("web"), str("{}"), varint(7)));
        EventValidator.Outcome o = check(avro, badUnion);
        assertThat(o.deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(o.deadLetter.message).contains("field 'headers' has index 7, but only 2 are defined");
        byte[] good = single(
                concat(str("id-1"), varint(NOW), str("page.viewed"), str("web"), str("{\"path\":\"/\"}"), varint(0)));
        assertThat(check(avro, good).event).isNotNull();
    }

    @Test
    void invalidUtf8InAStringIsUndecodable() {
        byte[] source = {'w', (byte) 0xC3, 0x28};
        byte[] body = concat(
                str("id-1"), varint(NOW), str("page.viewed"), varint(source.length), source, str("{}"), varint(0));
        EventValidator.Outcome o = check(avro, single(body));
        assertThat(o.deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(o.deadLetter.message).contains("field 'source' is not valid UTF-8");
    }

    @Test
    void payloadNumbersBeyondTheirDigitBoundsAreAPayloadLimit() {
        for (String amount : new String[] {
            "1e9999999", "1e-9999999", "123456789012345678901", "1e21", "0.000000000000000000001", "1" + "0".repeat(500)
        }) {
            Event e = order("id-n", NOW);
            e.setPayload(e.getPayload().replace("12.5", amount));
            EventValidator.Outcome o = check(avro, encoder.encode(e));
            assertThat(o.deadLetter).as(amount).isNotNull();
            assertThat(o.deadLetter.reason).as(amount).isEqualTo(Reason.PAYLOAD_LIMIT);
        }
        for (String amount :
                new String[] {"12345678901234567890", "0.30000000000000004", "1e19", "1.50000000000000000000000"}) {
            Event e = order("id-ok", NOW);
            e.setPayload(e.getPayload().replace("12.5", amount));
            assertThat(check(avro, encoder.encode(e)).event).as(amount).isNotNull();
        }
    }

    @Test
    void deeplyNestedPayloadIsAPayloadLimit() {
        Event e = order("id-deep", NOW);
        e.setType("page.viewed");
        e.setPayload("[".repeat(500) + "]".repeat(500));
        EventValidator.Outcome o = check(avro, encoder.encode(e));
        assertThat(o.deadLetter.reason).isEqualTo(Reason.PAYLOAD_LIMIT);
        assertThat(o.deadLetter.message).contains("nesting depth");
    }

    @Test
    void sourceMustBeShortAndPrintable() {
        Event nul = order("id-s1", NOW);
        nul.setSource("web\u0000x");
        assertThat(reasonFor(nul)).isEqualTo(Reason.INVALID_FIELD);
        Event longSource = order("id-s2", NOW);
        longSource.setSource("s".repeat(EventValidator.MAX_SOURCE_LENGTH + 1));
        assertThat(reasonFor(longSource)).isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void absurdEventTimesAreRejectedWithoutOverflow() {
        assertThat(reasonFor(order("t1", Long.MAX_VALUE))).isEqualTo(Reason.TIME_IN_FUTURE);
        assertThat(reasonFor(order("t2", Long.MIN_VALUE))).isEqualTo(Reason.TIME_TOO_OLD);
        assertThat(reasonFor(order("t3", 253402300800000L))).isEqualTo(Reason.TIME_IN_FUTURE);
        assertThat(reasonFor(order("t4", -1_000_000_000_000_000L))).isEqualTo(Reason.TIME_TOO_OLD);
    }

    @Test
    void jsonInputWithOutOfRangeTimesOrLimitsIsRejectedWithAReason() {
        String base = "{\"id\":\"j1\",\"type\":\"page.viewed\",\"source\":\"web\",\"payload\":{\"path\":\"/\"},";
        assertThat(check(json, (base + "\"time\":99999999999999999999999}").getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .reason)
                .isEqualTo(Reason.UNDECODABLE);
        assertThat(check(json, (base + "\"time\":\"+1000000000-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .reason)
                .isEqualTo(Reason.UNDECODABLE);
        assertThat(check(
                                json,
                                (base + "\"time\":" + NOW + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}")
                                        .getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .reason)
                .isEqualTo(Reason.PAYLOAD_LIMIT);
        assertThat(check(
                                json,
                                (base + "\"time\":" + NOW + ",\"x\":" + "9".repeat(1000) + "}")
                                        .getBytes(StandardCharsets.UTF_8))
                        .deadLetter
                        .reason)
                .isEqualTo(Reason.PAYLOAD_LIMIT);
        byte[] badUtf8 = (base + "\"time\":" + NOW + "}").getBytes(StandardCharsets.UTF_8);
        badUtf8[9] = (byte) 0xFF;
        assertThat(check(json, badUtf8).deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        // what Jackson would let through as other characters: an overlong NUL, an encoded surrogate, > U+10FFFF
        for (byte[] seq : new byte[][] {
            {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
        }) {
            String doc = base + "\"time\":" + NOW + "}";
            int at = doc.indexOf("j1") + 1;
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            b.writeBytes(doc.substring(0, at).getBytes(StandardCharsets.UTF_8));
            b.writeBytes(seq);
            b.writeBytes(doc.substring(at).getBytes(StandardCharsets.UTF_8));
            EventValidator.Outcome o = check(json, b.toByteArray());
            assertThat(o.event).isNull();
            assertThat(o.deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        }
        String inlineHuge = "{\"id\":\"j2\",\"type\":\"order.created\",\"source\":\"web\",\"time\":" + NOW
                + ",\"payload\":{\"orderId\":\"o\",\"customerId\":\"c\",\"amount\":1e9999999,\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"a\",\"quantity\":1}]}}";
        assertThat(check(json, inlineHuge.getBytes(StandardCharsets.UTF_8)).deadLetter.reason)
                .isEqualTo(Reason.PAYLOAD_LIMIT);
    }
}
