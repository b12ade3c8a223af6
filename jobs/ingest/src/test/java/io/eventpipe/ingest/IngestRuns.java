package io.eventpipe.ingest;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the ingest job's integration tests share: generated input, and starting the job on the test's cluster. */
final class IngestRuns {
    private IngestRuns() {}

    /**
     * Settings the ingest ITs share: job {@code name} at parallelism 2 reading {@code <name>.events} and writing
     * {@code <name>.clean} and {@code <name>.dlq}, checkpoints every second, records over 4 KiB dead-lettered.
     * Tests put their own (Kafka address, lake, restarts, ...) on top.
     */
    static Map<String, String> baseConfig(String name) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", name);
        m.put("job.parallelism", "2");
        m.put("topics.input", name + ".events");
        m.put("topics.clean", name + ".clean");
        m.put("topics.dlq", name + ".dlq");
        m.put("checkpoint.interval", "1s");
        m.put("checkpoint.timeout", "1min");
        m.put("sink.transaction-timeout", "5min");
        m.put("validation.max-record-bytes", "4kb");
        return m;
    }

    /**
     * {@code count} records stamped now: 11% duplicates and 5.5% bad records of every kind (oversized ones are
     * 5000 bytes, above the tests' {@code validation.max-record-bytes} of 4kb).
     */
    static List<GeneratedRecord> generate(long seed, int count) {
        return generate(seed, count, System.currentTimeMillis());
    }

    /** As {@link #generate(long, int)}, every record stamped {@code now} (its event time up to 2 s before). */
    static List<GeneratedRecord> generate(long seed, int count, long now) {
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0.11, 0.055, EventGenerator.BAD_KINDS, 5000, seed));
        List<GeneratedRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(gen.next(now));
        }
        return out;
    }

    /** Submits the job with its production connectors, without waiting for it to finish. */
    static JobClient start(IngestConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        IngestJob.addTo(env, config);
        return env.executeAsync(config.runtime().jobName());
    }

    /** The clean topic's events (read_committed), in topic order, repeats kept. */
    static List<Event> cleanEvents(KafkaBrokerExtension kafka, IngestConfig config) throws Exception {
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(config.cleanTopic())) {
            events.add(decoder.decode(r.value()));
        }
        return events;
    }

    /** The dead-letter topic's letters (read_committed) by reason. */
    static Map<Reason, Long> deadLetterReasons(KafkaBrokerExtension kafka, IngestConfig config) {
        Map<Reason, Long> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(config.dlqTopic())) {
            String reason =
                    new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8);
            reasons.merge(Reason.valueOf(reason), 1L, Long::sum);
        }
        return reasons;
    }
}
