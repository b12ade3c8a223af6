package io.eventpipe.aggregate.functions;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.DecodeException;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes clean events. The clean topic holds only events the ingest job wrote, so a failure here means something
 * else wrote to it; such a record goes to the dead-letter topic instead of stopping the job.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient EventDecoder decoder;

    @Override
    public void open(OpenContext openContext) {
        decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
        try {
            out.collect(decoder.decode(raw.value));
        } catch (DecodeException e) {
            ctx.output(DEAD_LETTERS, DeadLetter.of(raw, Reason.UNDECODABLE, e.getMessage()));
        }
    }
}
