package io.eventpipe.ingest;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.metrics.EventTimeLag;
import io.eventpipe.ingest.functions.DecodeValidateFunction;
import io.eventpipe.ingest.functions.DedupFunction;
import io.eventpipe.schema.Event;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The ingest dataflow, independent of where records come from and go to, so tests run exactly what production
 * runs: source → decode+validate (dead letters to a side output) → watermarks → keyBy(id) → dedup → sinks.
 */
public final class IngestTopology {
    private IngestTopology() {}

    /**
     * The sinks of the job.
     *
     * @param lake the lake sink, or empty to write no lake
     * @param deadLetterArchive where dead letters too large for their topic are kept whole
     */
    public record Sinks(
            Sink<Event> clean,
            Sink<DeadLetter> deadLetters,
            Optional<Sink<Event>> lake,
            Sink<DeadLetter> deadLetterArchive) {}

    /** Adds the ingest job to {@code env}. */
    public static void build(
            StreamExecutionEnvironment env, IngestConfig config, Source<RawRecord, ?, ?> source, Sinks sinks) {
        AvroTypeInfo<Event> eventType = new AvroTypeInfo<>(Event.class);
        // No operator keeps a reference to a record it was given (dedup keeps the first-seen time, the sinks encode
        // at once), so records may pass between chained operators without a copy (a deep Avro copy per event and
        // sink otherwise).
        env.getConfig().enableObjectReuse();

        SingleOutputStreamOperator<Event> valid = env.fromSource(
                        source, WatermarkStrategy.noWatermarks(), OperatorNames.SOURCE)
                .uid(Uids.SOURCE)
                .process(
                        new DecodeValidateFunction(config.validation(), config.contracts(), config.deadLetterLimit()),
                        eventType)
                .name(OperatorNames.DECODE_VALIDATE)
                .uid(Uids.DECODE_VALIDATE);

        DataStream<Event> unique = valid.assignTimestampsAndWatermarks(EventTimeLag.measured(
                        WatermarkStrategy.<Event>forBoundedOutOfOrderness(config.maxOutOfOrderness())
                                .withTimestampAssigner((e, ts) -> e.getTime().toEpochMilli())
                                .withIdleness(config.idleness())))
                .name(OperatorNames.WATERMARKS)
                .uid(Uids.WATERMARKS)
                .keyBy(Event::getId)
                .process(new DedupFunction(config.dedupTtl()), eventType)
                .name(OperatorNames.DEDUP)
                .uid(Uids.DEDUP);

        unique.sinkTo(sinks.clean()).name(OperatorNames.CLEAN_SINK).uid(Uids.CLEAN_SINK);
        sinks.lake()
                .ifPresent(lake ->
                        unique.sinkTo(lake).name(OperatorNames.LAKE_SINK).uid(Uids.LAKE_SINK));
        DeadLetterArchive.route(
                valid,
                DecodeValidateFunction.DEAD_LETTERS,
                sinks.deadLetters(),
                Uids.DLQ_SINK,
                sinks.deadLetterArchive(),
                Uids.DLQ_ARCHIVE_SINK);
    }
}
