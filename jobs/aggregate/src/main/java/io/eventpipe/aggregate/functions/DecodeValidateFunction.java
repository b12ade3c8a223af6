package io.eventpipe.aggregate.functions;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.validate.EventValidator;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.common.validate.ValidationRules;
import io.eventpipe.schema.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates clean events with the ingest job's rules, except payload contracts (the ingest job checked
 * them, and a contract changed since must not drop events it accepted). The clean topic holds only events the ingest job
 * wrote, so a failure here means something else wrote to it; such a record goes to the dead-letter topic (cut to fit
 * where it must be, and then kept whole in the archive) instead of stopping the job.
 *
 * <p>Also decides which events are too late ({@link LatenessRule}), from the largest record timestamp seen so far in
 * each source partition. Those marks are operator state, checkpointed with the source's offsets, so a replay after a
 * restore decides every event as the first run did; too-late events go to {@link #LATE}.
 */
public final class DecodeValidateFunction extends ProcessFunction<RawRecord, Event> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<Event> LATE =
            new OutputTag<>("too-late-in-partition", new AvroTypeInfo<>(Event.class));
    /** Operator state name; part of savepoint compatibility, never rename. */
    public static final String MARKS_STATE = "partition-high-water-marks";

    private final ValidationRules rules;
    private final DeadLetterLimit limit;
    private final LatenessRule lateness;
    private transient EventValidator validator;
    private transient EventValidator.Outcome outcome;
    private transient Counter late;
    private transient Map<Partition, Long> marks;
    private transient ListState<Tuple3<String, Integer, Long>> marksState;

    private record Partition(String topic, int partition) {}

    public DecodeValidateFunction(ValidationRules rules, DeadLetterLimit limit, LatenessRule lateness) {
        this.rules = rules;
        this.limit = limit;
        this.lateness = lateness;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // union state: after a rescale every subtask sees every partition's mark and uses those of its partitions
        marksState = context.getOperatorStateStore()
                .getUnionListState(
                        new ListStateDescriptor<>(MARKS_STATE, Types.TUPLE(Types.STRING, Types.INT, Types.LONG)));
        marks = new HashMap<>();
        if (context.isRestored()) {
            for (Tuple3<String, Integer, Long> m : marksState.get()) {
                marks.merge(new Partition(m.f0, m.f1), m.f2, Math::max);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple3<String, Integer, Long>> list = new ArrayList<>(marks.size());
        marks.forEach((p, mark) -> list.add(Tuple3.of(p.topic(), p.partition(), mark)));
        marksState.update(list);
    }

    @Override
    public void open(OpenContext openContext) {
        validator = new EventValidator(rules, EnvelopeSchemas.load(), PayloadContracts.none());
        outcome = new EventValidator.Outcome();
        late = getRuntimeContext().getMetricGroup().addGroup("eventpipe").counter("lateEvents");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        Partition partition = new Partition(raw.topic, raw.partition);
        long mark = marks.getOrDefault(partition, Long.MIN_VALUE);
        validator.check(raw, outcome);
        if (outcome.event != null) {
            if (lateness.tooLate(outcome.event.getTime().toEpochMilli(), mark)) {
                late.inc();
                ctx.output(LATE, outcome.event);
            } else {
                out.collect(outcome.event);
            }
        } else {
            limit.route(
                    outcome.deadLetter,
                    d -> ctx.output(DEAD_LETTERS, d),
                    d -> ctx.output(DeadLetterArchive.ARCHIVE, d));
        }
        // every record counts, as it does for the watermarks (which take the record timestamp of all of them)
        if (raw.timestamp > mark) {
            marks.put(partition, raw.timestamp);
        }
    }
}
