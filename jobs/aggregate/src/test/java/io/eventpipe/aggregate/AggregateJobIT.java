package io.eventpipe.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.aggregate.sinks.LateEventSerializer;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.AdversarialCorpus;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.Restarts;
import io.eventpipe.testkit.WindowRows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregate job on a MiniCluster at parallelism 2 against a real Kafka broker and a real PostgreSQL: a known
 * event set over several windows, with out-of-order, allowed-late and too-late events. The table holds exactly the
 * expected aggregates and the late topic exactly the too-late events, also with failures and a database outage.
 */
class AggregateJobIT {
    private static final int PARTITIONS = 3;
    private static final long MIN = 60_000;
    /** Window size 1 min, allowed lateness 30 s, out-of-orderness 2 s. */
    private static final long LATENESS = 30_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    Path tmp;

    /** TaskManagers of the class's mini-cluster terminated so far (it keeps them in its list; the newest is live). */
    private static int taskManagersTerminated;

    private final long t0 = (System.currentTimeMillis() / MIN - 60) * MIN; // an hour ago, on a minute boundary
    private final Random random = new Random(5);
    private final EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
    private int ids;

    private AggregateConfig config(String name) throws Exception {
        Map<String, String> m =
                AggregateTestConfig.base(name, KAFKA.bootstrapServers(), tmp, PG.createDatabase(name), PG.user());
        m.put("source.idleness", "1s");
        m.put("aggregate.metrics.order.created", "sum(amount), min(amount), max(amount)");
        m.put("restart.attempts", "60");
        m.put("restart.delay", "1s");
        m.put("postgres.max-retries", "1");
        return AggregateConfig.from(Settings.of(m));
    }

    /** An event of key (type, source) at {@code time}; orders carry an amount with cents. */
    private Event event(String type, String source, long time) {
        String payload = type.equals("order.created")
                ? "{\"amount\":" + (random.nextInt(100_000) / 100.0) + "}"
                : "{\"path\":\"/\"}";
        return Event.newBuilder()
                .setId("e-" + ids++)
                .setTime(Instant.ofEpochMilli(time))
                .setType(type)
                .setSource(source)
                .setPayload(payload)
                .build();
    }

    private static final String[][] KEYS = {{"order.created", "shop"}, {"order.created", "app"}, {"page.viewed", "web"}
    };

    /** Events of every key in window {@code w}, in event-time order with up to 1.5 s of disorder. */
    private List<Event> window(int w, int perKey) {
        List<Event> out = new ArrayList<>();
        for (String[] k : KEYS) {
            for (int i = 0; i < perKey; i++) {
                out.add(event(k[0], k[1], t0 + w * MIN + random.nextInt((int) MIN)));
            }
        }
        out.sort((a, b) -> Long.compare(
                a.getTime().toEpochMilli() + random.nextInt(1500), b.getTime().toEpochMilli() + random.nextInt(1500)));
        return out;
    }

    /** The same event, produced as the ingest job writes the clean topic: key id, Avro value, time = timestamp. */
    private ProducerRecord<byte[], byte[]> record(String topic, Event e, Integer partition) {
        return new ProducerRecord<>(
                topic, partition, e.getTime().toEpochMilli(), EventEncoder.key(e), encoder.encode(e));
    }

    private void produce(String topic, List<Event> events) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            events.forEach(e -> p.send(record(topic, e, null)));
            p.flush();
        }
    }

    /** Ticks on every partition so that each partition's watermark passes {@code time}. */
    private void tick(String topic, long time) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int part = 0; part < PARTITIONS; part++) {
                p.send(record(topic, event("clock.tick", "test", time), part));
            }
            p.flush();
        }
    }

    /** The scenario; {@code disturb} runs at three points mid-stream (failures, outages). */
    private void scenario(MiniCluster cluster, String name, Disturbance disturb) throws Exception {
        AggregateConfig config = config(name);
        KAFKA.createTopics(
                PARTITIONS, config.inputTopic(), config.resultsTopic(), config.lateTopic(), config.dlqTopic());
        AggregateJob.startupChecks(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync(name);
        try {
            List<Event> accepted = new ArrayList<>();
            // Phase A: windows 0..3 on time (out of order within the bound)
            for (int w = 0; w < 4; w++) {
                List<Event> events = window(w, 40);
                produce(config.inputTopic(), events);
                accepted.addAll(events);
            }
            disturb.at(cluster, job.getJobID(), 0);
            // late but within the allowed lateness: window 3 has fired (watermark is past its end), still open
            List<Event> allowedLate = new ArrayList<>();
            List<Event> lead = new ArrayList<>();
            for (String[] k : KEYS) {
                lead.add(event(k[0], k[1], t0 + 4 * MIN + 10_000));
                allowedLate.add(event(k[0], k[1], t0 + 3 * MIN + 30_000));
            }
            produce(config.inputTopic(), lead);
            accepted.addAll(lead);
            produce(config.inputTopic(), allowedLate);
            accepted.addAll(allowedLate);
            // Phase B: windows 4..6, then a tick that closes (fires and purges) everything up to window 5
            for (int w = 4; w < 7; w++) {
                List<Event> events = window(w, 40);
                produce(config.inputTopic(), events);
                accepted.addAll(events);
            }
            disturb.at(cluster, job.getJobID(), 1);
            tick(config.inputTopic(), t0 + 7 * MIN + LATENESS + 5_000);
            String url = config.postgres().url();
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> rows(url).keySet().stream().anyMatch(k -> k.startsWith(t0 + 6 * MIN + "|")));
            // the windows' closing is in a completed checkpoint before the too-late events come
            Checkpoints.await(cluster, job.getJobID(), 2);
            // Phase C: too late for windows 0, 1 and 5 of existing keys
            List<Event> tooLate = new ArrayList<>();
            for (String[] k : KEYS) {
                tooLate.add(event(k[0], k[1], t0 + 5_000));
                tooLate.add(event(k[0], k[1], t0 + MIN + 59_000));
                tooLate.add(event(k[0], k[1], t0 + 5 * MIN + 1_000));
            }
            produce(config.inputTopic(), tooLate);
            disturb.at(cluster, job.getJobID(), 2);

            Map<String, String> expected = expectedRows(accepted);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(rows(url)).isEqualTo(expected);
                        assertThat(lateIds(config)).hasSizeGreaterThanOrEqualTo(tooLate.size());
                    });
            Checkpoints.await(cluster, job.getJobID(), 2);
            assertThat(rows(url)).isEqualTo(expected);
            assertThat(lateIds(config))
                    .containsExactlyInAnyOrderElementsOf(
                            tooLate.stream().map(Event::getId).toList());
            assertThat(KAFKA.readCommitted(config.dlqTopic())).isEmpty();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The adversarial corpus written to the clean topic beside valid events (as if something other than the ingest
     * job wrote there): the job never restarts, every bad record is dead-lettered with its reason (cut and archived
     * where too large), and the window rows are exactly those of the valid events.
     */
    @Test
    void hostileRecordsOnTheCleanTopicAreDeadLetteredWhileWindowsStayExact(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Map<String, String> m = AggregateTestConfig.base(
                "hostile", KAFKA.bootstrapServers(), tmp, PG.createDatabase("hostile"), PG.user());
        m.put("source.idleness", "1s");
        m.put("aggregate.metrics.order.created", "sum(amount), min(amount), max(amount)");
        m.put("restart.attempts", "1"); // a failure would fail the job after one restart: the test asserts none
        m.put("restart.delay", "1s");
        AggregateConfig config = AggregateConfig.from(Settings.of(m));
        KAFKA.createTopic(config.inputTopic(), PARTITIONS, Map.of("max.message.bytes", "3145728"));
        KAFKA.createTopics(PARTITIONS, config.resultsTopic(), config.lateTopic(), config.dlqTopic());
        AggregateJob.startupChecks(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync("hostile");
        try {
            List<Event> accepted = new ArrayList<>();
            AdversarialCorpus corpus =
                    new AdversarialCorpus(new AdversarialCorpus.Settings(EventFormat.AVRO, 1_000_000, 8));
            List<GeneratedRecord> hostile = corpus.generate(4_000, t0 + 30_000);
            EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
            try (KafkaProducer<byte[], byte[]> p = KAFKA.largeRecordProducer()) {
                for (GeneratedRecord r : hostile) {
                    p.send(r.toProducerRecord(config.inputTopic()));
                    if (r.expected() == GeneratedRecord.Expected.CLEAN) {
                        accepted.add(decoder.decode(r.value()));
                    }
                }
                p.flush();
            }
            for (int w = 0; w < 2; w++) {
                List<Event> events = window(w, 20);
                produce(config.inputTopic(), events);
                accepted.addAll(events);
            }
            tick(config.inputTopic(), t0 + 2 * MIN + LATENESS + 5_000);
            IngestExpectations expected =
                    IngestExpectations.of(hostile, config.deadLetterLimit().maxRecordBytes());
            assertThat(expected.archived()).isNotEmpty();
            Map<String, String> rows = expectedRows(accepted);
            String url = config.postgres().url();
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        assertThat(rows(url)).isEqualTo(rows);
                        assertThat(KAFKA.readCommitted(config.dlqTopic()))
                                .hasSizeGreaterThanOrEqualTo((int) expected.deadLetters().values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum());
                    });
            Checkpoints.await(cluster, job.getJobID(), 2);
            assertThat(rows(url)).isEqualTo(rows);
            expected.assertDeadLetters(KAFKA, config.inputTopic(), config.dlqTopic());
            expected.assertArchiveExact(tmp.resolve("dead-letters"));
            assertThat(Restarts.of(cluster, job.getJobID())).as("restarts").isZero();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface Disturbance {
        void at(MiniCluster cluster, JobID job, int point) throws Exception;
    }

    @Test
    void rowsAndLateTopicAreExact(@InjectMiniCluster MiniCluster cluster) throws Exception {
        scenario(cluster, "exact", (c, j, p) -> {});
    }

    @Test
    void rowsAreIdenticalAfterThreeFailures(@InjectMiniCluster MiniCluster cluster) throws Exception {
        scenario(cluster, "failures", (c, job, point) -> {
            Checkpoints.await(c, job, 1);
            TimeUnit.MILLISECONDS.sleep(random.nextInt(1000));
            killTaskManager(c);
        });
    }

    @Test
    void rowsAreExactAfterPostgresIsDownForThirtySeconds(@InjectMiniCluster MiniCluster cluster) throws Exception {
        scenario(cluster, "outage", (c, job, point) -> {
            if (point == 1) {
                int attempt = attempt(c, job);
                long down = System.nanoTime();
                PG.server().stop();
                // the outage hits the job: writing windows fails and the job restarts
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(attempt(c, job)).isGreaterThan(attempt));
                // the database stays down for the outage's full 30 s, so that the restarted job meets it too
                long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - down);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
                PG.server().restart();
            }
        });
    }

    @Test
    void idlePartitionsDoNotStallWindows() throws Exception {
        AggregateConfig config = config("idle");
        KAFKA.createTopics(
                PARTITIONS, config.inputTopic(), config.resultsTopic(), config.lateTopic(), config.dlqTopic());
        AggregateJob.startupChecks(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync("idle");
        try {
            // everything goes to partition 0; partitions 1 and 2 never see a record
            List<Event> events = new ArrayList<>(window(0, 5));
            events.add(event("clock.tick", "test", t0 + MIN + LATENESS + 5_000));
            try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
                events.forEach(e -> p.send(record(config.inputTopic(), e, 0)));
            }
            Map<String, String> expected = expectedRows(events.subList(0, events.size() - 1));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(
                            () -> assertThat(rows(config.postgres().url())).isEqualTo(expected));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void killTaskManager(MiniCluster cluster) throws Exception {
        cluster.terminateTaskManager(taskManagersTerminated++).get(30, TimeUnit.SECONDS);
        cluster.startTaskManager();
    }

    /**
     * The adversarial case for window results: a TaskManager fails after a window fired and was closed and its
     * too-late events went to the late topic, before the next checkpoint. The restored job replays those records
     * without a watermark (watermarks are not checkpointed). The rows, the results topic (each window's last value,
     * as a compacted topic keeps it) and the late topic equal those of a run without the failure.
     */
    @Test
    void windowResultsDoNotDependOnWhenAFailureHappens(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // Phase 1: window 0, then ticks that close it on every partition
        List<Event> windowZero = window(0, 20);
        List<Event> tickZero = ticks(t0 + MIN + LATENESS + 5_000);
        // Phase 2: window 1 and ticks that close it; then events of window 1, too late on every partition
        List<Event> windowOne = window(1, 20);
        List<Event> tickOne = ticks(t0 + 2 * MIN + LATENESS + 5_000);
        List<Event> tooLate = new ArrayList<>();
        for (int part = 0; part < PARTITIONS; part++) {
            for (String[] k : KEYS) {
                tooLate.add(event(k[0], k[1], t0 + MIN + 10_000 + part));
            }
        }
        List<Event> accepted = new ArrayList<>(windowZero);
        accepted.addAll(tickZero);
        accepted.addAll(windowOne); // tickOne's own window never closes: no row
        Map<String, String> expected = expectedRows(accepted);

        Outputs calm = determinismRun(
                cluster, "calm", List.of(windowZero, tickZero, windowOne, tickOne, tooLate), expected.keySet(), false);
        Outputs failed = determinismRun(
                cluster, "failed", List.of(windowZero, tickZero, windowOne, tickOne, tooLate), expected.keySet(), true);

        assertThat(calm.rows()).isEqualTo(expected);
        assertThat(calm.late())
                .containsExactlyInAnyOrderElementsOf(
                        tooLate.stream().map(Event::getId).toList());
        // the results topic's last value of each window is its row
        Map<String, String> resultsAsRows = new TreeMap<>();
        calm.results().forEach((key, json) -> {
            try {
                com.fasterxml.jackson.databind.JsonNode r = new ObjectMapper().readTree(json);
                resultsAsRows.put(
                        Instant.parse(r.get("windowStart").asText()).toEpochMilli() + "|"
                                + r.get("type").asText() + "|" + r.get("source").asText(),
                        r.get("eventCount").asLong()
                                + " "
                                + Instant.parse(r.get("firstEventTime").asText())
                                        .toEpochMilli() + " "
                                + Instant.parse(r.get("lastEventTime").asText()).toEpochMilli());
            } catch (Exception e) {
                throw new AssertionError(json, e);
            }
        });
        Map<String, String> rowsWithoutMetrics = new TreeMap<>();
        calm.rows().forEach((key, row) -> rowsWithoutMetrics.put(key, row.substring(0, row.indexOf(" {"))));
        assertThat(resultsAsRows).isEqualTo(rowsWithoutMetrics);
        assertThat(failed.rows()).isEqualTo(calm.rows());
        assertThat(failed.results()).isEqualTo(calm.results());
        assertThat(failed.late()).containsExactlyInAnyOrderElementsOf(calm.late());
    }

    /** Window rows, the results topic's last value per key, and the ids in the late topic. */
    private record Outputs(Map<String, String> rows, Map<String, String> results, List<String> late) {}

    private List<Event> ticks(long time) {
        List<Event> out = new ArrayList<>();
        for (int part = 0; part < PARTITIONS; part++) {
            out.add(event("clock.tick", "test", time));
        }
        return out;
    }

    /** Each event to partition (its index in the list) mod PARTITIONS: the same per-partition order every run. */
    private void produceSpread(String topic, List<Event> events) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            for (int i = 0; i < events.size(); i++) {
                p.send(record(topic, events.get(i), i % PARTITIONS));
            }
            p.flush();
        }
    }

    /** @param phases window 0, its ticks, window 1, its ticks, the too-late events */
    private Outputs determinismRun(
            MiniCluster cluster, String name, List<List<Event>> phases, java.util.Set<String> rowKeys, boolean fail)
            throws Exception {
        List<Event> tooLate = phases.get(4);
        Map<String, String> m =
                AggregateTestConfig.base(name, KAFKA.bootstrapServers(), tmp, PG.createDatabase(name), PG.user());
        m.put("aggregate.metrics.order.created", "sum(amount), min(amount), max(amount)");
        // room between checkpoints for the failure: it must come after the window closed, before the next one
        m.put("checkpoint.interval", "10s");
        m.put("restart.attempts", "20");
        m.put("restart.delay", "500ms");
        AggregateConfig config = AggregateConfig.from(Settings.of(m));
        KAFKA.createTopics(
                PARTITIONS, config.inputTopic(), config.resultsTopic(), config.lateTopic(), config.dlqTopic());
        AggregateJob.startupChecks(config); // creates the table
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        AggregateJob.addTo(env, config);
        JobClient job = env.executeAsync(name);
        try {
            produceSpread(config.inputTopic(), phases.get(0));
            produceSpread(config.inputTopic(), phases.get(1));
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> countUncommitted(config.resultsTopic()) >= KEYS.length);
            Checkpoints.await(cluster, job.getJobID(), 1); // window 0 closed in a completed checkpoint
            long checkpoints = Checkpoints.completed(cluster, job.getJobID());

            produceSpread(config.inputTopic(), phases.get(2));
            produceSpread(config.inputTopic(), phases.get(3));
            // window 1 fired for every key and the ticks' (its results are written, not yet committed) and
            // closed: the watermark passed it
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> countUncommitted(config.resultsTopic()) >= 2L * KEYS.length + 1);
            produceSpread(config.inputTopic(), tooLate);
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> countUncommitted(config.lateTopic()) >= tooLate.size());
            if (fail) {
                assertThat(Checkpoints.completed(cluster, job.getJobID()))
                        .as("no checkpoint completed since window 0's: the replay covers window 1 and the late events")
                        .isEqualTo(checkpoints);
                killTaskManager(cluster);
            }
            String url = config.postgres().url();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> rows(url).keySet().equals(rowKeys));
            // everything is processed; two more checkpoints commit it all (the test then compares the outputs)
            Checkpoints.await(cluster, job.getJobID(), 2);
            Map<String, String> results = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : KAFKA.readCommitted(config.resultsTopic())) {
                results.put(new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8));
            }
            return new Outputs(rows(url), results, lateIds(config));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Records in the topic, committed or not. */
    private static long countUncommitted(String topic) {
        return KAFKA.readUncommitted(topic).size();
    }

    private static int attempt(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get(10, TimeUnit.SECONDS)
                .getAllExecutionVertices()
                .iterator()
                .next()
                .getCurrentExecutionAttempt()
                .getAttemptNumber();
    }

    /** Expected rows: "windowStartMillis|type|source" → "count first last metrics". */
    private Map<String, String> expectedRows(List<Event> accepted) {
        Map<String, List<Event>> byWindow = new TreeMap<>();
        for (Event e : accepted) {
            long t = e.getTime().toEpochMilli();
            byWindow.computeIfAbsent((t - t % MIN) + "|" + e.getType() + "|" + e.getSource(), k -> new ArrayList<>())
                    .add(e);
        }
        Map<String, String> out = new TreeMap<>();
        byWindow.forEach((k, events) -> {
            long first = events.stream()
                    .mapToLong(e -> e.getTime().toEpochMilli())
                    .min()
                    .orElseThrow();
            long last = events.stream()
                    .mapToLong(e -> e.getTime().toEpochMilli())
                    .max()
                    .orElseThrow();
            String metrics = "{}";
            if (k.contains("|order.created|")) {
                List<BigDecimal> amounts =
                        events.stream().map(e -> amount(e.getPayload())).toList();
                metrics = "{\"max_amount\": "
                        + amounts.stream()
                                .reduce(BigDecimal::max)
                                .orElseThrow()
                                .stripTrailingZeros()
                                .toPlainString()
                        + ", \"min_amount\": "
                        + amounts.stream()
                                .reduce(BigDecimal::min)
                                .orElseThrow()
                                .stripTrailingZeros()
                                .toPlainString()
                        + ", \"sum_amount\": "
                        + amounts.stream()
                                .reduce(BigDecimal.ZERO, BigDecimal::add)
                                .stripTrailingZeros()
                                .toPlainString() + "}";
            }
            out.put(k, events.size() + " " + first + " " + last + " " + metrics);
        });
        return out;
    }

    private static BigDecimal amount(String payload) {
        try {
            return new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readTree(payload)
                    .get("amount")
                    .decimalValue();
        } catch (Exception e) {
            throw new IllegalStateException(payload, e);
        }
    }

    /** Rows of event_windows in the same form as {@link #expectedRows}. */
    private static Map<String, String> rows(String url) {
        return WindowRows.read(url, PG.user(), MIN);
    }

    private static List<String> lateIds(AggregateConfig config) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.readCommitted(config.lateTopic())) {
            assertThat(new String(
                            r.headers().lastHeader(LateEventSerializer.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo(LateEventSerializer.TOO_LATE);
            ids.add(new String(r.key(), StandardCharsets.UTF_8));
        }
        return ids;
    }
}
