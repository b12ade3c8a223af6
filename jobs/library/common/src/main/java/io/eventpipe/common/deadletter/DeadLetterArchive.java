package io.eventpipe.common.deadletter;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter archive: whole records too large for the dead-letter topic, as JSON lines
 * ({@code <root>/dt=<yyyy-MM-dd>/dead-letters-<uuid>-<n>.jsonl}, by the source record's timestamp, UTC), committed
 * with the checkpoint like the lake, so each record is there exactly once. One line per record: {@code source_topic},
 * {@code source_partition}, {@code source_offset}, {@code source_timestamp}, {@code reason}, {@code message},
 * {@code key_base64}, {@code value_base64} (null where the record had none).
 */
public final class DeadLetterArchive {
    /** The side output of whole records to archive, beside the (possibly cut) letters for the topic. */
    public static final OutputTag<DeadLetter> ARCHIVE = new OutputTag<>("dead-letter-archive") {};

    /** The operator names of the two dead-letter sinks, the same in every job. */
    public static final String TOPIC_SINK_NAME = "kafka: dead letters";

    public static final String ARCHIVE_SINK_NAME = "dead-letter archive";

    /**
     * Sends the dead letters of {@code step} (its side output {@code deadLetters}) to the dead-letter topic, and the
     * whole records too large for it (its side output {@link #ARCHIVE}) to the archive: the same wiring in every job,
     * under the job's own uids.
     */
    public static void route(
            SingleOutputStreamOperator<?> step,
            OutputTag<DeadLetter> deadLetters,
            Sink<DeadLetter> topic,
            String topicUid,
            Sink<DeadLetter> archive,
            String archiveUid) {
        step.getSideOutput(deadLetters).sinkTo(topic).name(TOPIC_SINK_NAME).uid(topicUid);
        step.getSideOutput(ARCHIVE).sinkTo(archive).name(ARCHIVE_SINK_NAME).uid(archiveUid);
    }

    private DeadLetterArchive() {}

    public static FileSink<DeadLetter> sink(String root) {
        return FileSink.forRowFormat(new Path(root), new JsonLines())
                .withBucketAssigner(new ByDay())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix("dead-letters")
                        .withPartSuffix(".jsonl")
                        .build())
                .build();
    }

    /** {@code dt=<yyyy-MM-dd>} of a record timestamp, UTC. */
    public static String bucket(long timestamp) {
        return "dt=" + Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static final class ByDay implements BucketAssigner<DeadLetter, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getBucketId(DeadLetter d, Context context) {
            return bucket(d.timestamp);
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    private static final class JsonLines implements Encoder<DeadLetter> {
        private static final long serialVersionUID = 1L;
        private static final JsonFactory JSON = new JsonFactory();

        @Override
        public void encode(DeadLetter d, OutputStream out) throws IOException {
            JsonGenerator g =
                    JSON.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("source_topic", d.topic);
            g.writeNumberField("source_partition", d.partition);
            g.writeNumberField("source_offset", d.offset);
            g.writeNumberField("source_timestamp", d.timestamp);
            g.writeStringField("reason", d.reason.name());
            g.writeStringField("message", d.message);
            binary(g, "key_base64", d.key);
            binary(g, "value_base64", d.value);
            if (d.headerKeys != null) {
                // every header of the record, as it came
                g.writeArrayFieldStart("headers");
                for (int i = 0; i < d.headerKeys.length; i++) {
                    g.writeStartObject();
                    g.writeStringField("key", d.headerKeys[i]);
                    binary(g, "value_base64", d.headerValues[i]);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.flush();
            out.write('\n');
        }

        private static void binary(JsonGenerator g, String name, byte[] bytes) throws IOException {
            if (bytes == null) {
                g.writeNullField(name);
            } else {
                g.writeBinaryField(name, bytes);
            }
        }
    }
}
