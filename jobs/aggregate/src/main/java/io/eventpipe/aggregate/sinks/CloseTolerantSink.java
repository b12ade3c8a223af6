package io.eventpipe.aggregate.sinks;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink whose writer's {@code close()} never throws: a failure there is logged instead.
 *
 * <p>Why: when a task fails or is cancelled, Flink closes its operators from the task's exception handler, and an
 * exception thrown there is a fatal error that takes the whole TaskManager down. The JDBC sink's writer does throw
 * there: after a flush fails and its reconnect fails too (the task thread is interrupted while the TaskManager
 * shuts down, or the database is gone), its statement is null, and close() flushes the rest of its batch into a
 * NullPointerException. Nothing is lost by not throwing: rows are flushed, and their failures reported, at every
 * checkpoint and at the end of input ({@code flush}); what close() still holds belongs to a run that failed and is
 * replayed from the last checkpoint. Every other call is passed through unchanged, and the state and committables
 * (with their serializers) are the wrapped sink's, so savepoints are unaffected.
 */
final class CloseTolerantSink<IN, S, C> implements Sink<IN>, SupportsWriterState<IN, S>, SupportsCommitter<C> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CloseTolerantSink.class);

    private final Sink<IN> sink;
    private final SupportsWriterState<IN, S> state;
    private final SupportsCommitter<C> committer;

    /** @param sink a sink with writer state and a committer, as the JDBC sink is */
    <T extends Sink<IN> & SupportsWriterState<IN, S> & SupportsCommitter<C>> CloseTolerantSink(T sink) {
        this.sink = sink;
        this.state = sink;
        this.committer = sink;
    }

    @Override
    public Writer<IN, S, C> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(sink.createWriter(context));
    }

    @Override
    public Writer<IN, S, C> restoreWriter(WriterInitContext context, Collection<S> recoveredState) throws IOException {
        return new Writer<>(state.restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<S> getWriterStateSerializer() {
        return state.getWriterStateSerializer();
    }

    @Override
    public Committer<C> createCommitter(CommitterInitContext context) throws IOException {
        return committer.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<C> getCommittableSerializer() {
        return committer.getCommittableSerializer();
    }

    /** The wrapped writer, with a close() that logs instead of throwing. */
    static final class Writer<IN, S, C> implements StatefulSinkWriter<IN, S>, CommittingSinkWriter<IN, C> {
        private final Object writer;

        Writer(Object writer) {
            this.writer = writer;
        }

        @SuppressWarnings("unchecked")
        private StatefulSinkWriter<IN, S> stateful() {
            return (StatefulSinkWriter<IN, S>) writer;
        }

        @SuppressWarnings("unchecked")
        private CommittingSinkWriter<IN, C> committing() {
            return (CommittingSinkWriter<IN, C>) writer;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            stateful().write(element, context);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            stateful().writeWatermark(watermark);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            stateful().flush(endOfInput);
        }

        @Override
        public List<S> snapshotState(long checkpointId) throws IOException {
            return stateful().snapshotState(checkpointId);
        }

        @Override
        public Collection<C> prepareCommit() throws IOException, InterruptedException {
            return committing().prepareCommit();
        }

        @Override
        public void close() {
            try {
                stateful().close();
            } catch (Exception e) {
                LOG.warn("Closing the sink writer failed; what it still held is replayed from the last checkpoint", e);
            }
        }
    }
}
