package io.eventpipe.aggregate.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.metrics.EventTimeLag;
import io.eventpipe.common.serde.JsonLimits;
import io.eventpipe.schema.Event;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Event-time tumbling windows per (type, source) key, with allowed lateness.
 *
 * <p>A window fires when the watermark passes its end and stays open for late events until the watermark passes its
 * end plus the allowed lateness; each late event re-emits the window. Then the window is purged and its end is
 * recorded in keyed state as the key's progress.
 *
 * <p>Which events are too late is decided before this operator, per source partition ({@link DecodeValidateFunction},
 * {@link LatenessRule}), the same way in every replay; an event that passes that rule always finds its window open
 * here. The checks here (the watermark, and the recorded progress, which survives a restore where the watermark does
 * not) only catch what that rule cannot see: a partition that was idle (no records for {@code source.idleness}), so
 * that the watermark moved on without it, and then carries events of windows already closed. Those go to
 * {@link #LATE} too, and whether that happens depends on processing time.
 */
public final class WindowAggregator extends KeyedProcessFunction<String, Event, WindowResult> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Event> LATE = new OutputTag<>("too-late", new AvroTypeInfo<>(Event.class));

    /** State names; part of savepoint compatibility, never rename. */
    public static final String WINDOWS_STATE = "windows";

    public static final String PROGRESS_STATE = "closed-up-to";

    private final long size;
    private final long lateness;
    private final Map<String, WindowMetrics> metrics;
    private final JsonLimits limits;

    private transient MapState<Long, WindowAcc> windows;
    private transient ValueState<Long> closedUpTo;
    private transient ObjectMapper json;
    private transient Counter late;
    private transient Counter emitted;
    private transient Counter unreadPayloads;
    private transient volatile long lastWatermark = Long.MIN_VALUE;

    /**
     * @param size window length
     * @param allowedLateness how long after the window's end late events still update it
     * @param metrics per event type, the numeric aggregates of its payload
     */
    public WindowAggregator(Duration size, Duration allowedLateness, Map<String, List<MetricSpec>> metrics) {
        this(size, allowedLateness, metrics, JsonLimits.DEFAULTS);
    }

    /**
     * @param limits the bounds events were validated with: every number that contributes has at most so many
     *     integer and fraction digits, so sums and their text stay small whatever the input
     */
    public WindowAggregator(
            Duration size, Duration allowedLateness, Map<String, List<MetricSpec>> metrics, JsonLimits limits) {
        this.size = size.toMillis();
        this.lateness = allowedLateness.toMillis();
        Map<String, WindowMetrics> byType = new java.util.HashMap<>();
        metrics.forEach((type, specs) -> byType.put(type, new WindowMetrics(specs, limits)));
        this.metrics = Map.copyOf(byType);
        this.limits = limits;
    }

    /** The key of an event: type and source. The type cannot contain '|' (validation), so the split is unique. */
    public static String key(Event e) {
        return e.getType() + "|" + e.getSource();
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(WINDOWS_STATE, Types.LONG, Types.POJO(WindowAcc.class)));
        closedUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>(PROGRESS_STATE, Types.LONG));
        // decimals as written (10.10 stays 10.10), so sums are exact whatever order events arrive in
        json = limits.mapper();
        var group = getRuntimeContext().getMetricGroup().addGroup("eventpipe");
        late = group.counter("lateEvents");
        emitted = group.counter("windowsEmitted");
        unreadPayloads = group.counter("payloadsNotRead");
        group.gauge("eventTimeLagMs", () -> EventTimeLag.of(lastWatermark));
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<WindowResult> out) throws Exception {
        long t = event.getTime().toEpochMilli();
        long start = t - Math.floorMod(t, size);
        long end = start + size;
        lastWatermark = ctx.timerService().currentWatermark();
        Long progress = closedUpTo.value();
        if ((progress != null && end <= progress)
                || end - 1 + lateness <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE, event);
            return;
        }
        WindowAcc acc = windows.get(start);
        if (acc == null) {
            acc = new WindowAcc();
            WindowMetrics m = metrics.get(event.getType());
            acc.values = new String[m == null ? 0 : m.size()];
            ctx.timerService().registerEventTimeTimer(end - 1);
            ctx.timerService().registerEventTimeTimer(end - 1 + lateness);
        }
        add(acc, event, t);
        windows.put(start, acc);
        if (acc.fired) {
            emit(ctx.getCurrentKey(), start, acc, out);
        }
    }

    private void add(WindowAcc acc, Event event, long t) {
        acc.count++;
        acc.firstEventTime = Math.min(acc.firstEventTime, t);
        acc.lastEventTime = Math.max(acc.lastEventTime, t);
        WindowMetrics m = metrics.get(event.getType());
        if (m == null || m.size() == 0) {
            return;
        }
        JsonNode payload;
        try {
            payload = json.readTree(event.getPayload());
        } catch (Exception e) {
            // the decode step validated this payload with the same bounds, so this is not expected; the event is
            // counted in the window, its numbers are not, and the metric shows that it happened
            unreadPayloads.inc();
            return;
        }
        m.add(acc.values, payload);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowResult> out) throws Exception {
        lastWatermark = ctx.timerService().currentWatermark();
        long fireStart = timestamp + 1 - size;
        WindowAcc acc = windows.get(fireStart);
        if (acc != null && !acc.fired) {
            acc.fired = true;
            windows.put(fireStart, acc);
            emit(ctx.getCurrentKey(), fireStart, acc, out);
        }
        long purgeStart = fireStart - lateness;
        WindowAcc purged = windows.get(purgeStart);
        if (purged != null && purged.fired) {
            windows.remove(purgeStart);
            Long progress = closedUpTo.value();
            long end = purgeStart + size;
            if (progress == null || progress < end) {
                closedUpTo.update(end);
            }
        }
    }

    private void emit(String key, long start, WindowAcc acc, Collector<WindowResult> out) {
        int bar = key.indexOf('|');
        WindowResult r = new WindowResult();
        r.windowStart = start;
        r.windowEnd = start + size;
        r.type = key.substring(0, bar);
        r.source = key.substring(bar + 1);
        r.eventCount = acc.count;
        r.firstEventTime = acc.firstEventTime;
        r.lastEventTime = acc.lastEventTime;
        WindowMetrics m = metrics.get(r.type);
        r.metrics = m == null ? "{}" : m.toJson(acc.values);
        emitted.inc();
        out.collect(r);
    }
}
