package io.eventpipe.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.aggregate.functions.WindowResult;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.InMemory;
import io.eventpipe.testkit.MiniClusters;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The middle tier: the aggregate topology (decode, validation, windows, metrics) through its seam, with an in-memory
 * source and sinks instead of Kafka and PostgreSQL, on a mini-cluster. In seconds: every window of every key once in
 * the database and results outputs, with its exact count and decimal sums, and every record that is not an event
 * dead-lettered with its reason. (Lateness needs watermarks between records, which a source this fast does not
 * leave room for: AggregateJobIT covers it.)
 */
class AggregateTopologyTest {
    private static final long MIN = 60_000;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @Test
    void everyWindowOnceWithExactCountsAndSumsAndBadRecordsDeadLettered() throws Exception {
        AggregateConfig config = AggregateConfig.from(Settings.of(Map.of(
                "kafka.bootstrap-servers",
                "unused:9092",
                "postgres.url",
                "jdbc:postgresql://unused/x",
                "postgres.user",
                "u",
                "sink.dlq.archive-path",
                "file:///unused",
                "job.parallelism",
                "2",
                "window.size",
                "1min",
                "window.allowed-lateness",
                "0s",
                "aggregate.metrics.order.created",
                "sum(amount), max(amount)")));
        long t0 = (System.currentTimeMillis() / MIN - 30) * MIN;
        String[][] keys = {{"order.created", "shop"}, {"order.created", "app"}, {"page.viewed", "web"}};
        EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
        Random random = new Random(5);
        List<RawRecord> input = new ArrayList<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, BigDecimal> sums = new HashMap<>();
        for (int w = 0; w < 4; w++) {
            for (String[] k : keys) {
                int n = 5 + random.nextInt(20);
                for (int i = 0; i < n; i++) {
                    long time = t0 + w * MIN + random.nextInt((int) MIN);
                    BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000), 2);
                    String payload = k[0].equals("order.created") ? "{\"amount\":" + amount + "}" : "{\"path\":\"/\"}";
                    Event e = Event.newBuilder()
                            .setId("e-" + input.size())
                            .setTime(Instant.ofEpochMilli(time))
                            .setType(k[0])
                            .setSource(k[1])
                            .setPayload(payload)
                            .build();
                    input.add(new RawRecord(EventEncoder.key(e), encoder.encode(e), "clean", 0, input.size(), time));
                    String key = (t0 + w * MIN) + "|" + k[0] + "|" + k[1];
                    counts.merge(key, 1L, Long::sum);
                    if (k[0].equals("order.created")) {
                        sums.merge(key, amount, BigDecimal::add);
                    }
                }
            }
        }
        // records on the clean topic that are not events
        input.add(new RawRecord(
                "k".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8),
                "clean",
                0,
                input.size(),
                t0));
        input.add(new RawRecord(null, new byte[0], "clean", 0, input.size(), t0));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        InMemory.Collected<WindowResult> rows = InMemory.sink();
        InMemory.Collected<WindowResult> results = InMemory.sink();
        InMemory.Collected<Event> late = InMemory.sink();
        InMemory.Collected<DeadLetter> dead = InMemory.sink();
        InMemory.Collected<DeadLetter> archive = InMemory.sink();
        AggregateTopology.build(
                env,
                config,
                InMemory.source(input, TypeInformation.of(RawRecord.class)),
                new AggregateTopology.Sinks(rows, results, late, dead, archive));
        env.execute("aggregate topology");

        for (InMemory.Collected<WindowResult> out : List.of(rows, results)) {
            Map<String, Long> seen = new HashMap<>();
            for (WindowResult r : out.elements()) {
                String key = r.windowStart + "|" + r.type + "|" + r.source;
                assertThat(seen.put(key, r.eventCount))
                        .as("window %s emitted once", key)
                        .isNull();
                assertThat(r.windowEnd - r.windowStart).isEqualTo(MIN);
                if (r.type.equals("order.created")) {
                    assertThat(new BigDecimal(new com.fasterxml.jackson.databind.ObjectMapper()
                                    .readTree(r.metrics)
                                    .path("sum_amount")
                                    .asText()))
                            .as(key)
                            .isEqualByComparingTo(sums.get(key));
                } else {
                    assertThat(r.metrics).isEqualTo("{}");
                }
            }
            assertThat(seen).isEqualTo(counts);
        }
        assertThat(late.elements()).isEmpty();
        assertThat(dead.elements())
                .extracting(d -> d.reason)
                .containsOnly(Reason.UNDECODABLE)
                .hasSize(2);
        assertThat(archive.elements()).isEmpty();
    }
}
