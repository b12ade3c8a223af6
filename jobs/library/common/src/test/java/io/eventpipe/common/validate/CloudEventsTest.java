package io.eventpipe.common.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EventFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code source.format: cloudevents}: CloudEvents 1.0 in both Kafka content modes become events, and whatever is not
 * one, or not one eventpipe can hold, is a dead letter with its reason.
 */
class CloudEventsTest {
    private static final long NOW = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    private static final String ORDER = "{\"orderId\":\"o1\",\"customerId\":\"c1\",\"amount\":12.5,"
            + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\",\"quantity\":1}]}";

    private final EventValidator validator = EventValidator.create(
            new ValidationRules(EventFormat.CLOUDEVENTS, 1 << 20, Duration.ofMinutes(5), Duration.ofDays(7)));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A record with {@code value} and headers given as name, value, name, value... (a null value: no value). */
    private EventValidator.Outcome check(byte[] value, String... headers) {
        List<String> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            keys.add(headers[i]);
            values.add(headers[i + 1] == null ? null : utf8(headers[i + 1]));
        }
        RawRecord raw = new RawRecord(utf8("k"), value, "events", 0, 7, NOW);
        if (!keys.isEmpty()) {
            raw.withHeaders(keys.toArray(String[]::new), values.toArray(byte[][]::new));
        }
        return validator.check(raw, new EventValidator.Outcome());
    }

    private static final String TIME = "2026-11-27T09:59:00Z";

    private EventValidator.Outcome binary(byte[] data, String... more) {
        List<String> h = new ArrayList<>(List.of(
                "ce_specversion", "1.0",
                "ce_id", "e-1",
                "ce_source", "/shop/checkout",
                "ce_type", "order.created",
                "ce_time", TIME,
                "content-type", "application/json"));
        h.addAll(List.of(more));
        return check(data, h.toArray(String[]::new));
    }

    private static String structured(String attributes) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-2\",\"source\":\"/shop/checkout\",\"type\":\"order.created\","
                + attributes + "}";
    }

    private EventValidator.Outcome structuredRecord(String json) {
        return check(utf8(json), "content-type", "application/cloudevents+json; charset=UTF-8");
    }

    private static Reason reason(EventValidator.Outcome o) {
        assertThat(o.event).as("no event").isNull();
        return o.deadLetter.reason;
    }

    @Test
    void binaryModeFillsTheEnvelopeFromHeadersAndTheDataFromTheValue() {
        EventValidator.Outcome o = binary(utf8(ORDER), "ce_subject", "o1", "ce_traceparent", "00-ab-01", "other", "x");
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getId()).isEqualTo("e-1");
        assertThat(o.event.getSource()).isEqualTo("/shop/checkout");
        assertThat(o.event.getType()).isEqualTo("order.created");
        assertThat(o.event.getTime()).isEqualTo(Instant.parse(TIME));
        assertThat(o.event.getPayload()).isEqualTo(ORDER);
        // extension attributes (and subject) travel in the event's headers; other Kafka headers do not
        assertThat(o.event.getHeaders()).isEqualTo("{\"subject\":\"o1\",\"traceparent\":\"00-ab-01\"}");
    }

    @Test
    void structuredModeReadsTheJsonEventFormat() {
        EventValidator.Outcome o = structuredRecord(structured(
                "\"time\":\"2026-11-27T10:59:00+01:00\",\"datacontenttype\":\"application/json\",\"region\":\"eu\","
                        + "\"data\":" + ORDER));
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getId()).isEqualTo("e-2");
        assertThat(o.event.getTime()).isEqualTo(Instant.parse("2026-11-27T09:59:00Z"));
        assertThat(o.event.getPayload()).isEqualTo(ORDER);
        assertThat(o.event.getHeaders()).isEqualTo("{\"region\":\"eu\"}");
    }

    @Test
    void requiredAttributesAreChecked() {
        assertThat(reason(check(
                        utf8(ORDER),
                        "ce_specversion",
                        "1.0",
                        "ce_source",
                        "/s",
                        "ce_type",
                        "order.created",
                        "ce_time",
                        TIME)))
                .isEqualTo(Reason.MISSING_FIELD);
        assertThat(reason(check(
                        utf8(ORDER),
                        "ce_specversion",
                        "1.0",
                        "ce_id",
                        "e",
                        "ce_source",
                        "/s",
                        "ce_type",
                        "order.created")))
                .as("no time: every eventpipe event has one")
                .isEqualTo(Reason.MISSING_FIELD);
        assertThat(reason(binary(utf8(ORDER), "ce_specversion", "0.3"))).isEqualTo(Reason.UNDECODABLE);
        assertThat(reason(structuredRecord(structured("\"data\":" + ORDER)))).isEqualTo(Reason.MISSING_FIELD);
        assertThat(reason(structuredRecord(
                        "{\"id\":\"e\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"" + TIME + "\",\"data\":{}}")))
                .isEqualTo(Reason.MISSING_FIELD);
        assertThat(reason(structuredRecord(structured("\"time\":\"yesterday\",\"data\":" + ORDER))))
                .isEqualTo(Reason.INVALID_FIELD);
        assertThat(reason(structuredRecord(structured("\"time\":\"+999999999-12-31T23:59:59Z\",\"data\":{}"))))
                .isEqualTo(Reason.INVALID_FIELD);
        assertThat(reason(structuredRecord(structured("\"time\":12,\"data\":{}"))))
                .isEqualTo(Reason.INVALID_FIELD);
    }

    @Test
    void dataThatIsNotJsonHasItsOwnReason() {
        assertThat(reason(binary(utf8("<order/>"), "content-type", "application/xml")))
                .isEqualTo(Reason.UNSUPPORTED_CONTENT_TYPE);
        assertThat(reason(structuredRecord(
                        structured("\"time\":\"" + TIME + "\",\"datacontenttype\":\"text/plain\",\"data\":\"hi\""))))
                .isEqualTo(Reason.UNSUPPORTED_CONTENT_TYPE);
        assertThat(reason(structuredRecord(structured("\"time\":\"" + TIME + "\",\"data_base64\":\"AAEC\""))))
                .isEqualTo(Reason.UNSUPPORTED_CONTENT_TYPE);
        assertThat(reason(check(utf8("{}"), "content-type", "application/cloudevents-batch+json")))
                .isEqualTo(Reason.UNSUPPORTED_CONTENT_TYPE);
        // declared JSON, but it is not: as in every format, the payload check says so
        assertThat(reason(binary(utf8("not json")))).isEqualTo(Reason.PAYLOAD_NOT_JSON);
        assertThat(reason(binary(new byte[] {(byte) 0xC3, (byte) 0x28}))).isEqualTo(Reason.PAYLOAD_NOT_JSON);
    }

    @Test
    void whatIsNoCloudEventIsUndecodable() {
        assertThat(reason(check(utf8(ORDER)))).isEqualTo(Reason.UNDECODABLE);
        assertThat(reason(check(utf8(ORDER), "content-type", "application/json")))
                .isEqualTo(Reason.UNDECODABLE);
        assertThat(reason(structuredRecord("[1, 2"))).isEqualTo(Reason.UNDECODABLE);
        assertThat(reason(structuredRecord("[1, 2]"))).isEqualTo(Reason.UNDECODABLE);
        assertThat(reason(check(null, "content-type", "application/cloudevents+json")))
                .isEqualTo(Reason.UNDECODABLE);
        // a header that is not UTF-8
        RawRecord raw = new RawRecord(utf8("k"), utf8(ORDER), "events", 0, 7, NOW)
                .withHeaders(new String[] {"ce_specversion", "ce_id"}, new byte[][] {utf8("1.0"), {(byte) 0xFF}});
        assertThat(reason(validator.check(raw, new EventValidator.Outcome()))).isEqualTo(Reason.UNDECODABLE);
    }

    @Test
    void manyHeadersCostLinearTime() {
        // 100,000 extension headers of one name: read once each, the last one wins
        String[] keys = new String[100_006];
        byte[][] values = new byte[keys.length][];
        String[] core = {
            "ce_specversion",
            "1.0",
            "ce_id",
            "e-1",
            "ce_source",
            "/s",
            "ce_type",
            "order.created",
            "ce_time",
            TIME,
            "content-type",
            "application/json"
        };
        for (int i = 0; i < 6; i++) {
            keys[i] = core[2 * i];
            values[i] = utf8(core[2 * i + 1]);
        }
        for (int i = 6; i < keys.length; i++) {
            keys[i] = "ce_x";
            values[i] = utf8(Integer.toString(i));
        }
        RawRecord raw = new RawRecord(utf8("k"), utf8(ORDER), "events", 0, 7, NOW).withHeaders(keys, values);
        EventValidator.Outcome o = validator.check(raw, new EventValidator.Outcome());
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getHeaders()).isEqualTo("{\"x\":\"100005\"}");
    }
}
