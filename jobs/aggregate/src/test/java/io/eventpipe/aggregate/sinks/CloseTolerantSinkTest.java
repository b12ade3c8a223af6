package io.eventpipe.aggregate.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

class CloseTolerantSinkTest {
    /** A writer like the JDBC one after a failed reconnect: flushing and closing throw. */
    static final class FailingWriter
            implements StatefulSinkWriter<String, String>, CommittingSinkWriter<String, String> {
        final List<String> written = new ArrayList<>();

        @Override
        public void write(String element, Context context) {
            written.add(element);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            throw new IOException("flush failed");
        }

        @Override
        public List<String> snapshotState(long checkpointId) {
            return List.of("state-" + checkpointId);
        }

        @Override
        public Collection<String> prepareCommit() {
            return List.of("committable");
        }

        @Override
        public void close() {
            throw new RuntimeException("Writing records to JDBC failed.", new NullPointerException("ps is null"));
        }
    }

    static final class FakeSink
            implements Sink<String>, SupportsWriterState<String, String>, SupportsCommitter<String> {
        final FailingWriter writer = new FailingWriter();
        final SimpleVersionedSerializer<String> serializer = new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 7;
            }

            @Override
            public byte[] serialize(String obj) {
                return obj.getBytes();
            }

            @Override
            public String deserialize(int version, byte[] serialized) {
                return new String(serialized);
            }
        };

        @Override
        public FailingWriter createWriter(WriterInitContext context) {
            return writer;
        }

        @Override
        public FailingWriter restoreWriter(WriterInitContext context, Collection<String> recoveredState) {
            return writer;
        }

        @Override
        public SimpleVersionedSerializer<String> getWriterStateSerializer() {
            return serializer;
        }

        @Override
        public Committer<String> createCommitter(CommitterInitContext context) {
            return null;
        }

        @Override
        public SimpleVersionedSerializer<String> getCommittableSerializer() {
            return serializer;
        }
    }

    @Test
    void closeLogsWhatTheWrappedWriterThrowsAndEverythingElsePassesThrough() throws Exception {
        FakeSink fake = new FakeSink();
        CloseTolerantSink<String, String, String> sink = new CloseTolerantSink<>(fake);
        CloseTolerantSink.Writer<String, String, String> writer = sink.createWriter(null);
        writer.write("row", null);
        assertThat(fake.writer.written).containsExactly("row");
        assertThat(writer.snapshotState(3)).containsExactly("state-3");
        assertThat(writer.prepareCommit()).containsExactly("committable");
        // a failing flush still fails the checkpoint or the end of input: nothing is acknowledged unwritten
        assertThatThrownBy(() -> writer.flush(true))
                .isInstanceOf(IOException.class)
                .hasMessage("flush failed");
        // a failing close does not (it would be a TaskManager's fatal error during a failure or cancel)
        writer.close();
        assertThat(sink.restoreWriter(null, List.of("s"))).isNotNull();
        assertThat(sink.getWriterStateSerializer()).isSameAs(fake.serializer);
        assertThat(sink.getCommittableSerializer()).isSameAs(fake.serializer);
    }
}
