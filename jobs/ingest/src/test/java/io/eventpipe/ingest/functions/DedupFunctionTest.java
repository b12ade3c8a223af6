package io.eventpipe.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.schema.Event;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DedupFunctionTest {
    private static final Duration TTL = Duration.ofHours(24);
    private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    private KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness;

    static Event event(String id) {
        return Event.newBuilder()
                .setId(id)
                .setTime(Instant.ofEpochMilli(T0))
                .setType("page.viewed")
                .setSource("web")
                .setPayload("{}")
                .build();
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupFunction(TTL)), Event::getId, Types.STRING);
        harness.open();
        harness.setStateTtlProcessingTime(T0);
        harness.setProcessingTime(T0);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private int stateEntries() {
        return harness.numKeyedStateEntries();
    }

    @Test
    void firstOccurrencePassesAndIsRemembered() throws Exception {
        harness.processElement(event("a"), T0);
        assertThat(harness.extractOutputValues()).extracting(Event::getId).containsExactly("a");
        var backend = ((AbstractStreamOperator<?>) harness.getOperator()).<String>getKeyedStateBackend();
        backend.setCurrentKey("a");
        DedupEntry entry = backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, DedupFunction.stateDescriptor(TTL))
                .value();
        assertThat(entry.firstSeenAt).isEqualTo(T0);
    }

    @Test
    void duplicateWithinTtlIsDropped() throws Exception {
        harness.processElement(event("a"), T0);
        harness.setStateTtlProcessingTime(T0 + TTL.toMillis() - 1);
        harness.processElement(event("a"), T0);
        harness.processElement(event("b"), T0);
        assertThat(harness.extractOutputValues()).extracting(Event::getId).containsExactly("a", "b");
    }

    @Test
    void repeatDoesNotExtendTheTtl() throws Exception {
        harness.processElement(event("a"), T0);
        harness.setStateTtlProcessingTime(T0 + TTL.toMillis() / 2);
        harness.processElement(event("a"), T0);
        harness.setStateTtlProcessingTime(T0 + TTL.toMillis());
        harness.processElement(event("a"), T0);
        assertThat(harness.extractOutputValues()).extracting(Event::getId).containsExactly("a", "a");
    }

    @Test
    void stateIsGoneAfterTheTtl() throws Exception {
        for (int i = 0; i < 50; i++) {
            harness.processElement(event("id-" + i), T0);
        }
        assertThat(stateEntries()).isEqualTo(50);
        harness.setStateTtlProcessingTime(T0 + TTL.toMillis() + 1);
        // Incremental cleanup visits a few entries on each state access; new keys drive it through the rest.
        for (int i = 0; i < 50; i++) {
            harness.processElement(event("later-" + i), T0);
        }
        assertThat(stateEntries()).isEqualTo(50); // only the later ids remain
        harness.processElement(event("id-0"), T0);
        assertThat(harness.extractOutputValues()).hasSize(101); // an expired id passes again
    }

    @Test
    void dedupStateSurvivesASnapshotAndRestore() throws Exception {
        harness.processElement(event("a"), T0);
        var snapshot = harness.snapshot(1L, T0);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupFunction(TTL)), Event::getId, Types.STRING);
        harness.setStateTtlProcessingTime(T0 + 1000);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement(event("a"), T0);
        harness.processElement(event("c"), T0);
        assertThat(harness.extractOutputValues()).extracting(Event::getId).containsExactly("c");
    }
}
