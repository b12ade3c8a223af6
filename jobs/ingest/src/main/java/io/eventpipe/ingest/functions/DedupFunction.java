package io.eventpipe.ingest.functions;

import io.eventpipe.schema.Event;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops repeats of an event id seen within the TTL; the first occurrence passes. Keyed by event id.
 *
 * <p>The TTL runs in processing time from the first occurrence (a repeat does not extend it). Expired entries are
 * removed in the background: incrementally on access for heap state, by the compaction filter for RocksDB.
 */
public final class DedupFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;

    /** State name; part of savepoint compatibility, never rename. */
    public static final String STATE_NAME = "first-seen";

    private final Duration ttl;
    private transient ValueState<DedupEntry> seen;
    private transient Counter duplicates;
    private transient Counter clean;

    public DedupFunction(Duration ttl) {
        this.ttl = ttl;
    }

    public static ValueStateDescriptor<DedupEntry> stateDescriptor(Duration ttl) {
        ValueStateDescriptor<DedupEntry> d = new ValueStateDescriptor<>(STATE_NAME, DedupEntry.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return d;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(stateDescriptor(ttl));
        var group = getRuntimeContext().getMetricGroup().addGroup("eventpipe");
        duplicates = group.counter("duplicatesDropped");
        clean = group.counter("eventsClean");
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(new DedupEntry(ctx.timerService().currentProcessingTime()));
        clean.inc();
        out.collect(event);
    }
}
