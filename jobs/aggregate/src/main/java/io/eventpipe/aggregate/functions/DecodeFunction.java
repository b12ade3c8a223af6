package io.eventpipe.aggregate.functions;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.validate.EventValidator;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.common.validate.ValidationRules;
import io.eventpipe.schema.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates clean events with the ingest job's rules, except payload contracts (the ingest job checked
 * them, and a contract changed since must not drop events it accepted). The clean topic holds only events the ingest job
 * wrote, so a failure here means something else wrote to it; such a record goes to the dead-letter topic (cut to fit
 * where it must be, and then kept whole in the archive) instead of stopping the job.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ValidationRules rules;
    private final DeadLetterLimit limit;
    private transient EventValidator validator;
    private transient EventValidator.Outcome outcome;

    public DecodeFunction(ValidationRules rules, DeadLetterLimit limit) {
        this.rules = rules;
        this.limit = limit;
    }

    @Override
    public void open(OpenContext openContext) {
        validator = new EventValidator(rules, EnvelopeSchemas.load(), PayloadContracts.none());
        outcome = new EventValidator.Outcome();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        validator.check(raw, outcome);
        if (outcome.event != null) {
            out.collect(outcome.event);
        } else {
            limit.route(outcome.deadLetter, d -> ctx.output(DEAD_LETTERS, d),
                    d -> ctx.output(DeadLetterArchive.ARCHIVE, d));
        }
    }
}
