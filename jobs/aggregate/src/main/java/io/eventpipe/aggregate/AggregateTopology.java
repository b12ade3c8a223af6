package io.eventpipe.aggregate;

import io.eventpipe.aggregate.functions.DecodeValidateFunction;
import io.eventpipe.aggregate.functions.LatenessRule;
import io.eventpipe.aggregate.functions.WindowAggregator;
import io.eventpipe.aggregate.functions.WindowResult;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.schema.Event;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The aggregate dataflow, independent of connectors: source (per-partition watermarks from the record timestamp,
 * which the ingest job sets to the event time) → decode → keyBy(type, source) → windows → PostgreSQL + results
 * topic; too-late events (decided per source partition at decode) → late topic; records that are not valid events
 * → dead letters.
 */
public final class AggregateTopology {
    private AggregateTopology() {}

    /** The sinks of the job. */
    public record Sinks(
            Sink<WindowResult> postgres,
            Sink<WindowResult> results,
            Sink<Event> late,
            Sink<DeadLetter> deadLetters,
            Sink<DeadLetter> deadLetterArchive) {}

    /**
     * The windows: events keyed by (type, source) into event-time windows. The streaming job and the backfill over
     * the lake both compute them here.
     */
    public static SingleOutputStreamOperator<WindowResult> windows(DataStream<Event> events, AggregateConfig config) {
        return events.keyBy(WindowAggregator::key)
                .process(
                        new WindowAggregator(
                                config.windowSize(),
                                config.allowedLateness(),
                                config.metrics(),
                                config.validation().json()),
                        TypeInformation.of(WindowResult.class))
                .name(OperatorNames.WINDOWS)
                .uid(Uids.WINDOWS);
    }

    public static void build(
            StreamExecutionEnvironment env, AggregateConfig config, Source<RawRecord, ?, ?> source, Sinks sinks) {
        WatermarkStrategy<RawRecord> watermarks = WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(
                        config.maxOutOfOrderness())
                .withTimestampAssigner((r, ts) -> r.timestamp)
                .withIdleness(config.idleness());

        SingleOutputStreamOperator<Event> events = env.fromSource(source, watermarks, OperatorNames.SOURCE)
                .uid(Uids.SOURCE)
                .process(
                        new DecodeValidateFunction(
                                config.validation(),
                                config.deadLetterLimit(),
                                new LatenessRule(
                                        config.windowSize(), config.allowedLateness(), config.maxOutOfOrderness())),
                        new AvroTypeInfo<>(Event.class))
                .name(OperatorNames.DECODE)
                .uid(Uids.DECODE);

        SingleOutputStreamOperator<WindowResult> windows = windows(events, config);

        windows.sinkTo(sinks.postgres()).name(OperatorNames.POSTGRES_SINK).uid(Uids.POSTGRES_SINK);
        windows.sinkTo(sinks.results()).name(OperatorNames.RESULTS_SINK).uid(Uids.RESULTS_SINK);
        // too late by the partition's own progress (decided at decode, the same in every replay) or, after a
        // partition was idle, by the watermark the other partitions moved on (see WindowAggregator)
        events.getSideOutput(DecodeValidateFunction.LATE)
                .union(windows.getSideOutput(WindowAggregator.LATE))
                .sinkTo(sinks.late())
                .name(OperatorNames.LATE_SINK)
                .uid(Uids.LATE_SINK);
        DeadLetterArchive.route(
                events,
                DecodeValidateFunction.DEAD_LETTERS,
                sinks.deadLetters(),
                Uids.DLQ_SINK,
                sinks.deadLetterArchive(),
                Uids.DLQ_ARCHIVE_SINK);
    }
}
