package io.eventpipe.aggregate.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.schema.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WindowAggregatorTest {
    /** 10:00:00, a window boundary. */
    private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    private static final long MIN = 60_000;
    private static final Map<String, List<MetricSpec>> METRICS =
            Map.of("order.created", MetricSpec.parseList("sum(amount), min(amount), max(items.0.quantity)"));

    private KeyedOneInputStreamOperatorTestHarness<String, Event, WindowResult> harness;
    private int ids;

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, WindowResult> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowAggregator(Duration.ofMinutes(1), Duration.ofMinutes(1), METRICS)),
                WindowAggregator::key,
                Types.STRING);
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private Event order(long time, String amount) {
        return Event.newBuilder()
                .setId("e" + ids++)
                .setTime(Instant.ofEpochMilli(time))
                .setType("order.created")
                .setSource("shop")
                .setPayload("{\"amount\":" + amount + ",\"items\":[{\"quantity\":" + (ids % 5 + 1) + "}]}")
                .build();
    }

    private void send(Event e) throws Exception {
        harness.processElement(e, e.getTime().toEpochMilli());
    }

    private List<WindowResult> results() {
        return harness.extractOutputValues();
    }

    private List<Event> late() {
        var q = harness.getSideOutput(WindowAggregator.LATE);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void windowFiresWhenTheWatermarkPassesItsEnd() throws Exception {
        send(order(T0 + 5_000, "10.10"));
        send(order(T0 + 1_000, "0.20"));
        send(order(T0 + MIN + 1, "5"));
        harness.processWatermark(new Watermark(T0 + MIN - 2));
        assertThat(results()).isEmpty();
        harness.processWatermark(new Watermark(T0 + MIN - 1));
        assertThat(results()).hasSize(1);
        WindowResult r = results().get(0);
        assertThat(r.windowStart).isEqualTo(T0);
        assertThat(r.windowEnd).isEqualTo(T0 + MIN);
        assertThat(r.type).isEqualTo("order.created");
        assertThat(r.source).isEqualTo("shop");
        assertThat(r.eventCount).isEqualTo(2);
        assertThat(r.firstEventTime).isEqualTo(T0 + 1_000);
        assertThat(r.lastEventTime).isEqualTo(T0 + 5_000);
        // exact decimal sum, not 10.299999...
        assertThat(r.metrics).isEqualTo("{\"sum_amount\":10.3,\"min_amount\":0.2,\"max_items_0_quantity\":3}");
    }

    @Test
    void lateEventWithinAllowedLatenessUpdatesTheWindowAndReEmitsIt() throws Exception {
        send(order(T0 + 5_000, "1"));
        harness.processWatermark(new Watermark(T0 + MIN + 30_000));
        send(order(T0 + 7_000, "2"));
        assertThat(results()).extracting(r -> r.eventCount).containsExactly(1L, 2L);
        assertThat(late()).isEmpty();
    }

    @Test
    void eventLaterThanTheAllowedLatenessGoesToTheLateOutput() throws Exception {
        send(order(T0 + 5_000, "1"));
        harness.processWatermark(new Watermark(T0 + 2 * MIN - 1)); // fired and purged
        Event tooLate = order(T0 + 7_000, "2");
        send(tooLate);
        assertThat(results()).extracting(r -> r.eventCount).containsExactly(1L);
        assertThat(late()).containsExactly(tooLate);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // only the key's progress remains
    }

    @Test
    void eventForAWindowNeverSeenButPastItsLatenessIsLate() throws Exception {
        harness.processWatermark(new Watermark(T0 + 5 * MIN));
        Event e = order(T0, "1");
        send(e);
        assertThat(late()).containsExactly(e);
        assertThat(results()).isEmpty();
    }

    @Test
    void afterRestoreWithoutWatermarkAReplayedTooLateEventIsStillLate() throws Exception {
        send(order(T0 + 5_000, "1"));
        harness.processWatermark(new Watermark(T0 + 2 * MIN - 1)); // window [T0, T0+1min) closed
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        // no watermark yet: the window operator alone would reopen the window with a partial count
        Event replayed = order(T0 + 7_000, "2");
        send(replayed);
        harness.processWatermark(new Watermark(T0 + 3 * MIN));
        assertThat(late()).containsExactly(replayed);
        assertThat(results()).isEmpty();
    }

    @Test
    void openWindowsSurviveASnapshotAndCloseWithTheRightCount() throws Exception {
        send(order(T0 + 1_000, "1"));
        send(order(T0 + 2_000, "1"));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(order(T0 + 3_000, "1"));
        harness.processWatermark(new Watermark(T0 + MIN));
        assertThat(results()).extracting(r -> r.eventCount).containsExactly(3L);
    }

    @Test
    void keysAreIndependentAndTypesWithoutMetricsHaveNone() throws Exception {
        send(order(T0 + 1_000, "1"));
        Event view = Event.newBuilder()
                .setId("v")
                .setTime(Instant.ofEpochMilli(T0 + 2_000))
                .setType("page.viewed")
                .setSource("web")
                .setPayload("{}")
                .build();
        send(view);
        harness.processWatermark(new Watermark(T0 + MIN));
        assertThat(results())
                .extracting(r -> r.type + "/" + r.source + "=" + r.eventCount + " " + r.metrics)
                .containsExactlyInAnyOrder(
                        "order.created/shop=1 {\"sum_amount\":1,\"min_amount\":1," + "\"max_items_0_quantity\":2}",
                        "page.viewed/web=1 {}");
    }
}
