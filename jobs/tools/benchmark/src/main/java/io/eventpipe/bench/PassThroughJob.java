package io.eventpipe.bench;

import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.KafkaSinks;
import io.eventpipe.common.kafka.KafkaSources;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.kafka.SinkDelivery;
import io.eventpipe.common.kafka.StartingOffsets;
import io.eventpipe.common.kafka.TransactionNaming;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmark's framework ceiling: records from the input topic to the output topic through the same Kafka source
 * and sink builders the jobs use, with no decoding, no state and no shuffle.
 *
 * <p>Arguments: {@code --bootstrap-servers host:port --input topic --output topic --name job-name
 * [--delivery exactly-once|at-least-once] [--transaction-naming pooling|incrementing] [--parallelism 2]
 * [--checkpoint-interval-ms 10000]}.
 */
public final class PassThroughJob {
    private PassThroughJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        String name = required(a, "name");
        String output = required(a, "output");
        SinkDelivery delivery = SinkDelivery.valueOf(a.getOrDefault("delivery", "exactly-once")
                .toUpperCase(java.util.Locale.ROOT)
                .replace('-', '_'));
        KafkaConnection kafka = new KafkaConnection(
                required(a, "bootstrap-servers"), Map.of(), Duration.ofSeconds(15), Duration.ofMinutes(15));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(a.getOrDefault("parallelism", "2")));
        env.enableCheckpointing(Long.parseLong(a.getOrDefault("checkpoint-interval-ms", "10000")));
        env.fromSource(
                        KafkaSources.rawRecords(kafka, required(a, "input"), name, StartingOffsets.EARLIEST),
                        WatermarkStrategy.noWatermarks(),
                        "Source: kafka: input")
                .uid("source")
                .sinkTo(KafkaSinks.create(
                        kafka,
                        output,
                        copyTo(output),
                        delivery,
                        TransactionNaming.valueOf(
                                a.getOrDefault("transaction-naming", "pooling").toUpperCase(java.util.Locale.ROOT)),
                        name,
                        Duration.ofMinutes(10)))
                .name("kafka: output")
                .uid("sink");
        env.execute(name);
    }

    private static KafkaRecordSerializationSchema<RawRecord> copyTo(String topic) {
        return (r, context, timestamp) -> new ProducerRecord<>(topic, null, r.timestamp, r.key, r.value);
    }

    private static String required(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
