package io.eventpipe.common.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.serde.FieldMapping;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code source.format: mapped-json}: a platform's own JSON records become events through the configured field
 * mapping, and a record the mapping does not fit is a dead letter naming the field.
 */
class MappedJsonTest {
    private static final long NOW = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    private static FieldMapping mapping(String... sets) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < sets.length; i += 2) {
            m.put(sets[i], sets[i + 1]);
        }
        return Settings.of(m).read(FieldMapping.OPTIONS, List.of(), s -> FieldMapping.read(s, EventFormat.MAPPED_JSON));
    }

    private static EventValidator.Outcome check(FieldMapping mapping, String json) {
        EventValidator v = EventValidator.create(
                new ValidationRules(EventFormat.MAPPED_JSON, 1 << 20, Duration.ofMinutes(5), Duration.ofDays(7))
                        .withMapping(mapping));
        RawRecord raw = new RawRecord(null, json.getBytes(StandardCharsets.UTF_8), "shipments", 0, 1, NOW);
        return v.check(raw, new EventValidator.Outcome());
    }

    private static final FieldMapping SHIPMENTS = mapping(
            "source.mapping.id", "shipmentId",
            "source.mapping.time", "dispatchedAt",
            "source.mapping.type-constant", "shipment.dispatched",
            "source.mapping.source", "/meta/warehouse");

    @Test
    void fieldsAndConstantsFillTheEnvelopeAndTheRestIsThePayload() {
        EventValidator.Outcome o = check(
                SHIPMENTS,
                "{\"shipmentId\":\"sh-1\",\"dispatchedAt\":\"2026-11-27T09:59:00Z\","
                        + "\"meta\":{\"warehouse\":\"ams-2\"},\"carrier\":\"dhl\",\"parcels\":2}");
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getId()).isEqualTo("sh-1");
        assertThat(o.event.getTime()).isEqualTo(Instant.parse("2026-11-27T09:59:00Z"));
        assertThat(o.event.getType()).isEqualTo("shipment.dispatched");
        assertThat(o.event.getSource()).isEqualTo("ams-2");
        // top-level fields mapped are left out; a pointer's field stays
        assertThat(o.event.getPayload())
                .isEqualTo("{\"meta\":{\"warehouse\":\"ams-2\"},\"carrier\":\"dhl\",\"parcels\":2}");
    }

    @Test
    void aNamedPayloadFieldAndEpochMillisAndIntegerIds() {
        FieldMapping m = mapping(
                "source.mapping.id", "seq",
                "source.mapping.time", "ts",
                "source.mapping.type", "kind",
                "source.mapping.source-constant", "legacy-erp",
                "source.mapping.payload", "body");
        EventValidator.Outcome o = check(
                m,
                "{\"seq\":4711,\"ts\":" + (NOW - 1000) + ",\"kind\":\"invoice.paid\","
                        + "\"body\":{\"invoice\":\"i-9\",\"total\":10.5}}");
        assertThat(o.deadLetter).isNull();
        assertThat(o.event.getId()).isEqualTo("4711");
        assertThat(o.event.getTime()).isEqualTo(Instant.ofEpochMilli(NOW - 1000));
        assertThat(o.event.getType()).isEqualTo("invoice.paid");
        assertThat(o.event.getSource()).isEqualTo("legacy-erp");
        assertThat(o.event.getPayload()).isEqualTo("{\"invoice\":\"i-9\",\"total\":10.5}");
    }

    @Test
    void aMissingOrMalformedMappedFieldIsADeadLetterNamingIt() {
        EventValidator.Outcome missing = check(SHIPMENTS, "{\"dispatchedAt\":\"2026-11-27T09:59:00Z\",\"meta\":{}}");
        assertThat(missing.deadLetter.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(missing.deadLetter.message).contains("'shipmentId' (source.mapping.id) is missing");
        EventValidator.Outcome noSource = check(SHIPMENTS, "{\"shipmentId\":\"s\",\"dispatchedAt\":1,\"meta\":{}}");
        assertThat(noSource.deadLetter.reason).isEqualTo(Reason.MISSING_FIELD);
        assertThat(noSource.deadLetter.message).contains("'/meta/warehouse' (source.mapping.source)");
        EventValidator.Outcome badTime = check(
                SHIPMENTS, "{\"shipmentId\":\"s\",\"dispatchedAt\":\"soon\"," + "\"meta\":{\"warehouse\":\"w\"}}");
        assertThat(badTime.deadLetter.reason).isEqualTo(Reason.INVALID_FIELD);
        assertThat(badTime.deadLetter.message).contains("source.mapping.time");
        EventValidator.Outcome objectId =
                check(SHIPMENTS, "{\"shipmentId\":{},\"dispatchedAt\":1," + "\"meta\":{\"warehouse\":\"w\"}}");
        assertThat(objectId.deadLetter.reason).isEqualTo(Reason.INVALID_FIELD);
        assertThat(check(SHIPMENTS, "[1]").deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
        assertThat(check(SHIPMENTS, "{oops").deadLetter.reason).isEqualTo(Reason.UNDECODABLE);
    }

    @Test
    void theMappingIsCheckedAtStartUpNamingItsKeys() {
        assertThatThrownBy(() -> mapping(
                        "source.mapping.time", "t", "source.mapping.type", "k", "source.mapping.type-constant", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.mapping.id")
                .hasMessageContaining("source.mapping.type, source.mapping.type-constant: set exactly one")
                .hasMessageContaining("source.mapping.source, source.mapping.source-constant: set exactly one");
        assertThatThrownBy(() -> Settings.of(Map.of("source.mapping.id", "x"))
                        .read(FieldMapping.OPTIONS, List.of(), s -> FieldMapping.read(s, EventFormat.JSON)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.mapping.id: applies only with source.format: mapped-json");
    }
}
