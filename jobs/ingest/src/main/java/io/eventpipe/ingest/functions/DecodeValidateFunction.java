package io.eventpipe.ingest.functions;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.validate.EventValidator;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.common.validate.ValidationRules;
import io.eventpipe.schema.Event;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates each raw record once. Valid events go downstream as Avro records; everything else goes to
 * the {@link #DEAD_LETTERS} side output with its original bytes and a reason, cut to fit the dead-letter topic where
 * it must be, and then also whole to {@link DeadLetterArchive#ARCHIVE}. Never throws on bad input.
 */
public final class DecodeValidateFunction extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ValidationRules rules;
    private final PayloadContracts.Texts contracts;
    private final DeadLetterLimit limit;
    private transient EventValidator validator;
    private transient EventValidator.Outcome outcome;
    private transient Counter eventsIn;
    private transient Map<Reason, Counter> deadLettered;

    public DecodeValidateFunction(ValidationRules rules, PayloadContracts.Texts contracts, DeadLetterLimit limit) {
        this.rules = rules;
        this.contracts = contracts;
        this.limit = limit;
    }

    @Override
    public void open(OpenContext openContext) {
        validator = new EventValidator(rules, EnvelopeSchemas.load(), contracts.compile());
        outcome = new EventValidator.Outcome();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("eventpipe");
        eventsIn = group.counter("eventsIn");
        deadLettered = new EnumMap<>(Reason.class);
        for (Reason r : Reason.values()) {
            deadLettered.put(r, group.addGroup("reason", r.name()).counter("deadLettered"));
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        eventsIn.inc();
        validator.check(raw, outcome);
        if (outcome.event != null) {
            out.collect(outcome.event);
        } else {
            deadLettered.get(outcome.deadLetter.reason).inc();
            limit.route(
                    outcome.deadLetter,
                    d -> ctx.output(DEAD_LETTERS, d),
                    d -> ctx.output(DeadLetterArchive.ARCHIVE, d));
        }
    }
}
