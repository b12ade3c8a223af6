package io.eventpipe.common.validate;

import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventValidatorTest {
    private static final long NOW = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    private static final ValidationRules RULES =
            new ValidationRules(EventFormat.AVRO, 2048, Duration.ofMinutes(5), Duration.ofDays(7));

    private final EventValidator avro = EventValidator.create(RULES);
    private final EventValidator json = EventValidator.create(
            new ValidationRules(EventFormat.JSON, 2048, Duration.ofMinutes(5), Duration.ofDays(7)));
    private final EventEncoder encoder = new EventEncoder(EventFormat.AVRO);

    static Event order(String id, long time) {
        return Event.newBuilder().setId(id).setTime(Instant.ofEpochMilli(time)).setType("order.created")
                .setSource("checkout").setPayload("{\"orderId\":\"o1\",\"customerId\":\"c1\",\"amount\":12.5,"
                        + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"a\",\"quantity\":1}]}").build();
    }

    private EventValidator.Outcome check(EventValidator v, byte[] value) {
        return v.check(new RawRecord("k".getBytes(StandardCharsets.UTF_8), value, "events", 2, 41, NOW),
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
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array().clone();
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
        assertThat(check(avro, java.util.Arrays.copyOf(good, 14)).deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
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
    void timeIsJudgedAgainstTheRecordTimestampNotTheWallClock() {
        assertThat(reasonFor(order("a", NOW + Duration.ofMinutes(6).toMillis()))).isEqualTo(Reason.TIME_IN_FUTURE);
        assertThat(reasonFor(order("b", NOW - Duration.ofDays(8).toMillis()))).isEqualTo(Reason.TIME_TOO_OLD);
        assertThat(check(avro, encoder.encode(order("c", NOW + Duration.ofMinutes(4).toMillis()))).event)
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
                .deadLetter.message).contains("time");
    }
}
