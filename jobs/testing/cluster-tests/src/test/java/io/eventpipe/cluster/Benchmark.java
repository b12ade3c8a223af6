package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.KafkaBrokerProcess;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark behind {@code ./eventpipe bench}; not part of the test run (failsafe runs only {@code *IT}). In one
 * run, on this machine: a Kafka broker in its own JVM, a standalone Flink cluster (one JobManager, one TaskManager
 * with 2 slots, the settings of deploy/standalone/config.yaml) and PostgreSQL. It loads {@code bench.events} events
 * (realistic payloads of every type, 10% duplicates, 1% bad), then measures:
 * <ul>
 *   <li>the raw ceiling: a plain producer's rate and a plain consumer's rate on the same broker;</li>
 *   <li>the pass-through job (Kafka source to exactly-once Kafka sink, no decoding): the framework's own ceiling;</li>
 *   <li>the ingest job at exactly-once and at-least-once, each with hashmap and rocksdb, lake on and off, with each
 *       run's outputs counted against the expected numbers and, at exactly-once, the transactional ids the broker
 *       holds for the job afterwards; and the main configuration with pooled transactional ids;</li>
 *   <li>the aggregate job over the clean topic;</li>
 *   <li>end-to-end latency at half the ingest job's exactly-once rate, from the input record's timestamp to the clean
 *       record's visibility in a read_committed consumer;</li>
 *   <li>checkpoint duration and size, recovery after a TaskManager is killed and after the JobManager is killed and
 *   restarted in place (ZooKeeper HA), peak TaskManager heap and RSS.</li>
 * </ul>
 * Every rate is also given as a ratio to the raw consume rate of the same run. The table is printed, and written
 * as markdown with JSON beside it under {@code bench.out}.
 */
class Benchmark {
    private static final int PARTITIONS = 4;
    private static final String INPUT = "bench.events";

    @RegisterExtension
    static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension(Benchmark::clusterConfig);

    /**
     * One TaskManager with 2 slots; the REST API's metrics fresh every 500 ms (10 s by default), for the rate
     * samples; with {@code -Dbench.jfr=<dir>}, a Java Flight Recording of the TaskManager (profile settings), dumped
     * there at the end.
     */
    private static Map<String, String> clusterConfig() {
        Map<String, String> c = new LinkedHashMap<>(
                Map.of("taskmanager.numberOfTaskSlots", "2", "metrics.fetcher.update-interval", "500"));
        String jfr = System.getProperty("bench.jfr");
        if (jfr != null) {
            c.put("env.java.opts.taskmanager", "-XX:StartFlightRecording=name=bench,settings=profile");
        }
        return c;
    }

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @TempDir
    Path tmp;

    private final long events = Long.getLong("bench.events", 1_000_000);
    private final Set<String> only = Arrays.stream(
                    System.getProperty("bench.only", "").split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    private final int latencySeconds = Integer.getInteger("bench.latency.seconds", 30);
    /** Runs of each pass-through and ingest configuration; the best counts (the first also warms the JIT). */
    private final int repeat = Integer.getInteger("bench.repeat", 2);

    private final Path out =
            Path.of(System.getProperty("bench.out", "target/bench")).toAbsolutePath();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Result> results = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private KafkaBrokerProcess kafka;
    private FlinkStandaloneCluster cluster;
    private long cleanExpected;
    private long deadExpected;
    private double rawConsume;

    /** One measured run: its rate and what else was seen, for the table and the JSON. */
    record Result(String name, String description, double eventsPerSecond, Map<String, Object> details) {}

    @Test
    void benchmark() throws Exception {
        assertThat(events).as("bench.events").isGreaterThanOrEqualTo(10_000);
        facts.put("machine", machine());
        facts.put("events", events);
        facts.put("started", Instant.now().toString());
        cluster = FLINK.cluster();
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(tmp.resolve("kafka"))) {
            kafka = broker;
            load();
            raw();
            if (wanted("passthrough")) {
                passThrough("exactly-once");
            }
            String main = null;
            for (String delivery : List.of("exactly-once", "at-least-once")) {
                for (String backend : List.of("rocksdb", "hashmap")) {
                    for (boolean lake : List.of(true, false)) {
                        String name = "ingest " + delivery + " " + backend + (lake ? " lake" : " no-lake");
                        if (wanted(name)) {
                            String clean = ingest(name, delivery, backend, lake, "pooling");
                            if (main == null && delivery.equals("exactly-once") && backend.equals("rocksdb") && lake) {
                                main = clean;
                            }
                        }
                    }
                }
            }
            // the main configuration with a new transactional id per checkpoint (sink.transaction-naming:
            // incrementing), against the default pooled ids
            if (wanted("ingest exactly-once rocksdb lake incrementing")) {
                ingest(
                        "ingest exactly-once rocksdb lake incrementing",
                        "exactly-once",
                        "rocksdb",
                        true,
                        "incrementing");
            }
            if (main != null && wanted("aggregate")) {
                aggregate(main);
            }
            if (wanted("latency")) {
                latency("exactly-once");
                latency("at-least-once");
            }
        }
        facts.put("peakTaskManagerRssBytes", peakRss());
        dumpFlightRecordings();
        report();
    }

    private void add(Result r) {
        results.add(r);
        if (!Double.isNaN(r.eventsPerSecond())) {
            say(
                    "%s: %,.0f events/s%s",
                    r.name(),
                    r.eventsPerSecond(),
                    rawConsume == 0
                            ? ""
                            : String.format(
                                    Locale.ROOT, " (%.1f%% of raw consume)", 100 * r.eventsPerSecond() / rawConsume));
        }
    }

    private boolean wanted(String name) {
        return only.isEmpty() || only.stream().anyMatch(name::startsWith);
    }

    // ---------------------------------------------------------------------------------------------------------
    // load and raw ceiling

    private List<GeneratedRecord> generate(long n, long seed, long now) {
        // 10% duplicates, 1% bad records spread over every bad kind but TOO_LARGE (whose records are 1 MB)
        Set<Reason> kinds = EnumSet.copyOf(EventGenerator.BAD_KINDS);
        kinds.remove(Reason.TOO_LARGE);
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0.10, 0.01 / kinds.size(), kinds, 0, seed));
        List<GeneratedRecord> records = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            records.add(gen.next(now));
        }
        return records;
    }

    /**
     * Loads the input topic in chunks of at most a million records, so that any {@code bench.events} fits in memory;
     * the produce rate counts the sending only, not the generating.
     */
    private void load() throws Exception {
        kafka.createTopic(INPUT, PARTITIONS, Map.of());
        Properties p = kafka.clientConfig();
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        p.setProperty("batch.size", "262144");
        long bytes = 0;
        long sendingNanos = 0;
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long done = 0, chunk = 0; done < events; chunk++) {
                List<GeneratedRecord> records = generate(Math.min(1_000_000, events - done), 1 + chunk, now);
                cleanExpected += records.stream()
                        .filter(r -> r.expected() == GeneratedRecord.Expected.CLEAN)
                        .count();
                deadExpected += records.stream()
                        .filter(r -> r.expected() == GeneratedRecord.Expected.DEAD_LETTER)
                        .count();
                bytes += records.stream().mapToLong(GeneratedRecord::size).sum();
                long start = System.nanoTime();
                for (GeneratedRecord r : records) {
                    producer.send(new ProducerRecord<>(INPUT, null, r.timestamp(), r.key(), r.value()), (md, e) -> {
                        if (e != null) {
                            throw new IllegalStateException("cannot load the input topic", e);
                        }
                    });
                }
                producer.flush();
                sendingNanos += System.nanoTime() - start;
                done += records.size();
            }
        }
        facts.put("cleanEvents", cleanExpected);
        facts.put("deadLetters", deadExpected);
        facts.put("duplicates", events - cleanExpected - deadExpected);
        facts.put("averageRecordBytes", bytes / events);
        double seconds = sendingNanos / 1e9;
        add(new Result(
                "raw produce",
                "plain KafkaProducer, acks=all, to " + PARTITIONS + " partitions",
                events / seconds,
                Map.of("seconds", Math.round(seconds * 10) / 10.0, "bytes", bytes)));
        say("loaded %,d records (%,d bytes) in %.1f s of sending", events, bytes, seconds);
    }

    /**
     * Kafka's own ConsumerPerformance, in its own JVM, over the loaded topic, three times; the best fetch rate (records
     * per second once the consumer has joined its group) is the raw ceiling every ratio is taken against. Its rate
     * over the whole run, group join included, is kept beside it.
     */
    private void raw() throws Exception {
        double best = 0;
        double bestOverall = 0;
        for (int pass = 0; pass < 3; pass++) {
            Map<String, String> stats = consumerPerformance(pass);
            assertThat(Long.parseLong(stats.get("data.consumed.in.nMsg")))
                    .as("records ConsumerPerformance read")
                    .isEqualTo(events);
            best = Math.max(best, Double.parseDouble(stats.get("fetch.nMsg.sec")));
            bestOverall = Math.max(bestOverall, Double.parseDouble(stats.get("nMsg.sec")));
        }
        rawConsume = best;
        add(new Result(
                "raw consume",
                "Kafka's ConsumerPerformance, best of 3: records/s once its group is joined",
                best,
                Map.of("withGroupJoin", Math.round(bestOverall))));
    }

    private Map<String, String> consumerPerformance(int pass) throws Exception {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--topic",
                INPUT,
                "--messages",
                Long.toString(events),
                "--group",
                "bench-consumer-performance-" + pass,
                "--timeout",
                "120000");
        Path log = tmp.resolve("consumer-performance-" + pass + ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES))
                .as("ConsumerPerformance ends")
                .isTrue();
        assertThat(p.exitValue())
                .as("ConsumerPerformance: %s%n%s", stdout, Files.readString(log))
                .isZero();
        List<String> lines = stdout.lines().map(String::strip).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("start.time")) {
                String[] keys = lines.get(i).split(",\\s*");
                String[] values = lines.get(i + 1).split(",\\s*");
                Map<String, String> stats = new LinkedHashMap<>();
                for (int k = 0; k < keys.length && k < values.length; k++) {
                    stats.put(keys[k], values[k]);
                }
                return stats;
            }
        }
        throw new AssertionError("no statistics from ConsumerPerformance:\n" + stdout);
    }

    /** Assigns every partition of {@code topic} to the consumer, at its beginning; returns the partitions. */
    private static List<TopicPartition> fromStart(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return parts;
    }

    /** Counts the records of a topic from the beginning to its end (the last stable offset when committed). */
    private long count(String topic, boolean committed) {
        Properties p = kafka.clientConfig();
        p.setProperty("isolation.level", committed ? "read_committed" : "read_uncommitted");
        p.setProperty("max.poll.records", "10000");
        p.setProperty("fetch.max.bytes", "67108864");
        p.setProperty("max.partition.fetch.bytes", "16777216");
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = fromStart(c, topic);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> ignored : c.poll(Duration.ofMillis(500))) {
                    n++;
                }
            }
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Flink runs

    private void passThrough(String delivery) throws Exception {
        List<Result> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= repeat; attempt++) {
            attempts.add(passThrough(delivery, attempt));
        }
        add(best(attempts));
    }

    /** The attempt with the highest rate, with every attempt's rate in its details. */
    private static Result best(List<Result> attempts) {
        Result best = attempts.stream()
                .max(java.util.Comparator.comparingDouble(Result::eventsPerSecond))
                .orElseThrow();
        Map<String, Object> d = new LinkedHashMap<>(best.details());
        d.put(
                "attempts",
                attempts.stream().map(a -> Math.round(a.eventsPerSecond())).toList());
        return new Result(best.name(), best.description(), best.eventsPerSecond(), d);
    }

    private Result passThrough(String delivery, int attempt) throws Exception {
        String name = "bench-passthrough-" + attempt;
        kafka.createTopic(name + ".out", PARTITIONS, Map.of());
        String job = cluster.submit(
                FlinkStandaloneCluster.jobJar("passthrough"),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--input",
                INPUT,
                "--output",
                name + ".out",
                "--name",
                name,
                "--delivery",
                delivery,
                "--parallelism",
                "2");
        Rate rate = measure(job, events);
        cluster.awaitCheckpoints(job, 1);
        long copied = count(name + ".out", true);
        cluster.cli("cancel", job);
        return new Result(
                "pass-through " + delivery,
                "Kafka source to Kafka sink, no decoding, no state",
                rate.sustained(),
                details(rate, Map.of("outputExact", copied == events)));
    }

    /** Runs the shaded ingest job over the loaded topic {@code bench.repeat} times; returns a clean topic. */
    private String ingest(String title, String delivery, String backend, boolean lake, String naming) throws Exception {
        List<Result> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= repeat; attempt++) {
            attempts.add(ingest(title, delivery, backend, lake, naming, attempt));
        }
        add(best(attempts));
        return (String) attempts.get(0).details().get("cleanTopic");
    }

    private Result ingest(String title, String delivery, String backend, boolean lake, String naming, int attempt)
            throws Exception {
        String name = "bench-" + title.replace(' ', '-') + "-" + attempt;
        for (String t : List.of(".clean", ".dlq")) {
            kafka.createTopic(name + t, PARTITIONS, Map.of());
        }
        Path lakeDir = tmp.resolve(name + "-lake");
        Path config = tmp.resolve(name + ".yaml");
        Files.writeString(
                config,
                jobConfig(name, backend)
                        + "sink:\n  delivery-guarantee: " + delivery + "\n  transaction-naming: " + naming + "\n"
                        + "source:\n  starting-offsets: earliest\n"
                        + "topics:\n  input: " + INPUT + "\n  clean: " + name + ".clean\n  dlq: " + name + ".dlq\n"
                        + "lake:\n  enabled: " + lake + "\n  path: " + lakeDir.toUri() + "\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve(name + "-dead-letters").toUri() + "\n");
        String job = cluster.submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", config.toString());
        Rate rate = measure(job, events);
        cluster.awaitCheckpoints(job, 1);
        JsonNode checkpoint =
                cluster.get("/jobs/" + job + "/checkpoints").path("latest").path("completed");
        long clean = count(name + ".clean", true);
        long dead = count(name + ".dlq", true);
        cluster.cli("cancel", job);
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("outputExact", clean == cleanExpected && dead == deadExpected);
        more.put("clean", clean);
        more.put("deadLetters", dead);
        more.put("checkpointMillis", checkpoint.path("end_to_end_duration").asLong());
        more.put("checkpointStateBytes", checkpoint.path("state_size").asLong());
        more.put("checkpointedBytes", checkpoint.path("checkpointed_size").asLong());
        more.put("cleanTopicBytes", topicBytes(name + ".clean"));
        if (lake) {
            more.put("lakeBytes", lakeBytes(lakeDir));
        }
        more.put("cleanTopic", name + ".clean");
        if (delivery.equals("exactly-once")) {
            // the brokers keep state for every transactional id until it expires (7 days by default)
            try (var admin = kafka.admin()) {
                more.put(
                        "transactionalIds",
                        admin.listTransactions().all().get(1, TimeUnit.MINUTES).stream()
                                .filter(t -> t.transactionalId().startsWith(name + "-"))
                                .count());
            }
        }
        return new Result(
                title,
                "decode, validate, contracts, dedup, clean + dead-letter sinks" + (lake ? ", lake" : ""),
                rate.sustained(),
                details(rate, more));
    }

    /** What every job config of the benchmark starts with: the broker, the name, parallelism 2, checkpoints. */
    private String jobConfig(String name, String backend) {
        return "kafka:\n  bootstrap-servers: " + kafka.bootstrapServers() + "\n"
                + "job:\n  name: " + name + "\n  parallelism: 2\n"
                + "checkpoint:\n  interval: 10s\n  dir: "
                + tmp.resolve(name + "-checkpoints").toUri() + "\n"
                + "state:\n  backend: " + backend + "\n";
    }

    private void aggregate(String cleanTopic) throws Exception {
        String name = "bench-aggregate";
        for (String t : List.of(".stats", ".late", ".dlq")) {
            kafka.createTopic(name + t, PARTITIONS, Map.of());
        }
        Path config = tmp.resolve(name + ".yaml");
        Files.writeString(
                config,
                jobConfig(name, "rocksdb")
                        + "source:\n  starting-offsets: earliest\n"
                        + "topics:\n  clean: " + cleanTopic + "\n  results: " + name + ".stats\n  late: " + name
                        + ".late\n  dlq: " + name + ".dlq\n"
                        + "aggregate:\n  metrics:\n    order.created: sum(amount), min(amount), max(amount)\n"
                        + "    payment.captured: sum(amount)\n"
                        + "postgres:\n  url: " + PG.createDatabase("bench") + "\n  user: " + PG.user() + "\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve(name + "-dead-letters").toUri() + "\n");
        String job = cluster.submit(FlinkStandaloneCluster.jobJar("aggregate"), "--config", config.toString());
        Rate rate = measure(job, cleanExpected);
        cluster.cli("cancel", job);
        add(new Result(
                "aggregate exactly-once rocksdb",
                "decode, 1-min windows per type and source, " + "PostgreSQL upserts, results topic",
                rate.sustained(),
                details(rate, Map.of())));
    }

    /**
     * The ingest job's main configuration fed at half its measured exactly-once rate: latency from the input
     * record's timestamp (its send time) to the clean record's arrival at a read_committed consumer, after a warm-up.
     * At exactly-once, a TaskManager is then killed (a spare one waits) and the recovery measured, then the leading
     * JobManager, restarted in place.
     */
    private void latency(String delivery) throws Exception {
        double max = results.stream()
                .filter(r -> r.name().equals("ingest " + delivery + " rocksdb lake"))
                .mapToDouble(Result::eventsPerSecond)
                .findFirst()
                .orElse(10_000);
        int rate = (int) Math.max(500, max / 2);
        String name = "bench-latency-" + delivery;
        for (String t : List.of(".events", ".clean", ".dlq")) {
            kafka.createTopic(name + t, PARTITIONS, Map.of());
        }
        Path config = tmp.resolve(name + ".yaml");
        Files.writeString(
                config,
                jobConfig(name, "rocksdb")
                        + "sink:\n  delivery-guarantee: " + delivery + "\n"
                        + "topics:\n  input: " + name + ".events\n  clean: " + name + ".clean\n  dlq: " + name
                        + ".dlq\n"
                        + "lake:\n  path: " + tmp.resolve(name + "-lake").toUri() + "\n");
        String job = cluster.submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", config.toString());
        cluster.awaitRunning(job);

        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread reader = new Thread(
                () -> readLatencies(name + ".clean", sentAt, latencies, measuring, running), "bench-latency-reader");
        reader.start();
        Feed feed = new Feed(name + ".events", rate, sentAt);
        Thread feeder = new Thread(feed, "bench-latency-feed");
        feeder.start();
        Map<String, Object> more = new LinkedHashMap<>();
        try {
            // warm-up: the first checkpoints and transactions, and the JIT, which compiles a newly submitted job's
            // classes for about 40 s on 2 cores (its threads took a third of the TaskManager's CPU in that time)
            TimeUnit.SECONDS.sleep(45);
            measuring.set(true);
            long windowStart = System.currentTimeMillis();
            TimeUnit.SECONDS.sleep(latencySeconds);
            measuring.set(false);
            more.putAll(checkpointDurations(job, windowStart, System.currentTimeMillis()));
            if (delivery.equals("exactly-once")) {
                more.put("recoveryMillis", recovery(job));
                more.put("jobManagerRecoveryMillis", jobManagerRecovery(job));
            }
        } finally {
            feed.stop = true;
            feeder.join(TimeUnit.MINUTES.toMillis(1));
            running.set(false);
            reader.join(TimeUnit.MINUTES.toMillis(1));
            cluster.cli("cancel", job);
        }
        assertThat(feed.error).as("the latency feed").isNull();
        List<Long> sorted;
        synchronized (latencies) {
            sorted = latencies.stream().sorted().toList();
        }
        assertThat(sorted).as("latencies measured").isNotEmpty();
        more.put("inputRate", rate);
        more.put("samples", sorted.size());
        more.put("p50Millis", sorted.get(sorted.size() / 2));
        more.put("p99Millis", sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.99))));
        more.put("maxMillis", sorted.get(sorted.size() - 1));
        add(new Result("latency " + delivery, "ingest rocksdb lake at " + rate + " events/s", Double.NaN, more));
        say(
                "latency %s at %d events/s: p50 %d ms, p99 %d ms",
                delivery, rate, more.get("p50Millis"), more.get("p99Millis"));
    }

    /**
     * End-to-end durations of the checkpoints triggered in [from, to): an exactly-once record becomes visible when
     * the first checkpoint after it completes, so its latency is up to the interval plus this duration.
     */
    private Map<String, Object> checkpointDurations(String job, long from, long to) throws Exception {
        List<Long> durations = new ArrayList<>();
        for (JsonNode c : cluster.get("/jobs/" + job + "/checkpoints").path("history")) {
            long triggered = c.path("trigger_timestamp").asLong();
            if (c.path("status").asText().equals("COMPLETED") && triggered >= from && triggered < to) {
                durations.add(c.path("end_to_end_duration").asLong());
            }
        }
        if (durations.isEmpty()) {
            return Map.of();
        }
        durations.sort(null);
        return Map.of(
                "checkpointsInWindow",
                durations.size(),
                "checkpointMedianMillis",
                durations.get(durations.size() / 2),
                "checkpointMaxMillis",
                durations.get(durations.size() - 1));
    }

    /** Kills the TaskManager running the job's tasks (a spare waits) and measures until every task runs again. */
    private long recovery(String job) throws Exception {
        cluster.startTaskManager();
        int busiest = cluster.busiestTaskManager();
        long killedAt = System.currentTimeMillis();
        cluster.killTaskManager(busiest);
        return runningAgainAfter(job, killedAt, "a TaskManager kill");
    }

    /**
     * Kills the leading JobManager and restarts it in place, as a supervisor would (ZooKeeper HA: it leads again once
     * the dead one's session has expired), and measures from the kill until every task of the job runs again.
     */
    private long jobManagerRecovery(String job) throws Exception {
        int leader = cluster.awaitLeader();
        long killedAt = System.currentTimeMillis();
        cluster.killJobManager(leader);
        cluster.restartJobManager(leader);
        return runningAgainAfter(job, killedAt, "the JobManager kill");
    }

    /** Milliseconds from {@code faultAt} until every task of the job runs again, restarted after it. */
    private long runningAgainAfter(String job, long faultAt, String fault) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                long running = cluster.lastTaskRunningAt(job);
                if (running > faultAt && cluster.allTasksRunning(job)) {
                    return running - faultAt;
                }
            } catch (Exception e) {
                // the REST API is busy with the failover, or no JobManager leads yet; ask again
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("the job did not recover from " + fault + " within 3 minutes");
    }

    private void readLatencies(
            String topic,
            Map<String, Long> sentAt,
            List<Long> latencies,
            AtomicBoolean measuring,
            AtomicBoolean running) {
        Properties p = kafka.clientConfig();
        p.setProperty("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            fromStart(c, topic);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Long sent = sentAt.remove(new String(r.key(), StandardCharsets.UTF_8));
                    if (sent != null && measuring.get()) {
                        latencies.add(now - sent);
                    }
                }
            }
        }
    }

    /** Sends generated records at a fixed rate, each timestamped with its send time. */
    private final class Feed implements Runnable {
        private final String topic;
        private final int rate;
        private final Map<String, Long> sentAt;
        volatile boolean stop;
        volatile Throwable error;

        Feed(String topic, int rate, Map<String, Long> sentAt) {
            this.topic = topic;
            this.rate = rate;
            this.sentAt = sentAt;
        }

        @Override
        public void run() {
            Properties p = kafka.clientConfig();
            p.setProperty("acks", "all");
            p.setProperty("linger.ms", "1");
            Set<Reason> none = EnumSet.noneOf(Reason.class);
            EventGenerator gen = new EventGenerator(new EventGenerator.Settings(EventFormat.AVRO, 0, 0, none, 0, 2));
            long start = System.nanoTime();
            long sent = 0;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                while (!stop) {
                    long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                    for (; sent < due; sent++) {
                        long now = System.currentTimeMillis();
                        GeneratedRecord r = gen.next(now);
                        sentAt.put(r.id(), now);
                        producer.send(new ProducerRecord<>(topic, null, now, r.key(), r.value()));
                    }
                    TimeUnit.MILLISECONDS.sleep(2);
                }
            } catch (Throwable t) {
                error = t;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // measuring a job

    /**
     * Input samples of a run: (nanoTime, records read by the source, CPU nanoseconds used so far by the
     * TaskManagers, by the broker and by the whole machine) and the TaskManagers' peak heap and RSS.
     */
    record Rate(List<long[]> samples, long peakHeap, long peakRss, double seconds) {
        /** Input records/s between 10% and 90% of the input: the steady state, without start-up and tail. */
        double sustained() {
            long[][] w = window();
            return w[1][0] == w[0][0] ? Double.NaN : (w[1][1] - w[0][1]) / ((w[1][0] - w[0][0]) / 1e9);
        }

        /** CPU microseconds per input record in the same window, of the TaskManagers, the broker, the machine. */
        double[] cpuMicrosPerRecord() {
            long[][] w = window();
            long records = w[1][1] - w[0][1];
            double[] perRecord = new double[3];
            for (int i = 0; i < 3; i++) {
                perRecord[i] = records == 0 ? Double.NaN : (w[1][2 + i] - w[0][2 + i]) / 1e3 / records;
            }
            return perRecord;
        }

        private long[][] window() {
            long total = samples.get(samples.size() - 1)[1];
            long[] from =
                    samples.stream().filter(s -> s[1] >= total / 10).findFirst().orElseThrow();
            long[] to = samples.stream()
                    .filter(s -> s[1] >= total * 9 / 10)
                    .findFirst()
                    .orElseThrow();
            return new long[][] {from, to};
        }
    }

    private Map<String, Object> details(Rate rate, Map<String, Object> more) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seconds", Math.round(rate.seconds() * 10) / 10.0);
        d.put("peakTaskManagerHeapBytes", rate.peakHeap());
        d.put("peakTaskManagerRssBytes", rate.peakRss());
        double[] cpu = rate.cpuMicrosPerRecord();
        d.put("taskManagerCpuMicrosPerRecord", Math.round(cpu[0] * 100) / 100.0);
        d.put("brokerCpuMicrosPerRecord", Math.round(cpu[1] * 100) / 100.0);
        d.put("machineCpuMicrosPerRecord", Math.round(cpu[2] * 100) / 100.0);
        d.putAll(more);
        return d;
    }

    /** Polls the job's source until it has read {@code total} records; fails the benchmark after 30 minutes. */
    private Rate measure(String job, long total) throws Exception {
        cluster.awaitRunning(job);
        List<long[]> samples = new ArrayList<>();
        long peakHeap = 0;
        long peakRss = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(30);
        String metric = null;
        String vertex = null;
        while (true) {
            assertThat(System.nanoTime())
                    .as("job %s read %d records in time", job, total)
                    .isLessThan(deadline);
            if (metric == null) {
                assertThat(System.nanoTime() - start)
                        .as("the source's numRecordsIn metric of job %s appears " + "within a minute", job)
                        .isLessThan(TimeUnit.MINUTES.toNanos(1));
                for (JsonNode v : cluster.get("/jobs/" + job).path("vertices")) {
                    if (v.path("name").asText().startsWith("Source: ")) {
                        vertex = v.path("id").asText();
                    }
                }
                for (JsonNode m : cluster.get("/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics")) {
                    String id = m.path("id").asText();
                    if (id.startsWith("Source__") && id.endsWith(".numRecordsIn")) {
                        metric = id;
                    }
                }
            }
            long read = 0;
            if (metric != null) {
                JsonNode sum = cluster.get("/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics?agg=sum&get="
                        + java.net.URLEncoder.encode(metric, StandardCharsets.UTF_8));
                read = (long) sum.path(0).path("sum").asDouble();
            }
            long now = System.nanoTime();
            long[] cpu = cpuNanos();
            samples.add(new long[] {now, read, cpu[0], cpu[1], cpu[2]});
            peakHeap = Math.max(peakHeap, heapUsed());
            peakRss = Math.max(peakRss, rss());
            if (read >= total) {
                return new Rate(samples, peakHeap, peakRss, (now - start) / 1e9);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private long heapUsed() {
        long max = 0;
        try {
            for (JsonNode tm : cluster.get("/taskmanagers").path("taskmanagers")) {
                for (JsonNode m : cluster.get(
                        "/taskmanagers/" + tm.path("id").asText() + "/metrics?get=Status.JVM.Memory.Heap.Used")) {
                    max = Math.max(max, (long) m.path("value").asDouble());
                }
            }
        } catch (Exception e) {
            // a sample missed; the next one counts
        }
        return max;
    }

    /**
     * CPU time used so far, in nanoseconds, by the live TaskManager processes, by the broker and by the whole
     * machine (every core's time not idle), from /proc; zeros where there is no /proc. /proc counts in ticks of
     * 10 ms (USER_HZ is 100 on Linux), so a window of a few seconds is exact to a few percent.
     */
    private long[] cpuNanos() {
        long taskManagers = 0;
        for (ProcessHandle h : cluster.taskManagerProcesses()) {
            taskManagers += processCpuTicks(h.pid());
        }
        long broker = processCpuTicks(kafka.processHandle().pid());
        long machine = 0;
        try {
            String[] cpu =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle and iowait
                    machine += Long.parseLong(cpu[i]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the figure stays 0
        }
        return new long[] {taskManagers * 10_000_000L, broker * 10_000_000L, machine * 10_000_000L};
    }

    /** User and system ticks of a process, from /proc/PID/stat (0 where there is none). */
    private static long processCpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces: state is field 3,
            // utime field 14, stime field 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The largest resident set of the live TaskManager processes now, from /proc (0 where there is none). */
    private long rss() {
        return procStatus("VmRSS:");
    }

    /** The largest peak resident set (VmHWM) of the live TaskManager processes over their lifetime. */
    private long peakRss() {
        return procStatus("VmHWM:");
    }

    private long procStatus(String field) {
        long max = 0;
        for (ProcessHandle h : cluster.taskManagerProcesses()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                    if (line.startsWith(field)) {
                        max = Math.max(max, 1024 * Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException e) {
                // no /proc (not Linux) or the process just ended
            }
        }
        return max;
    }

    private long topicBytes(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            long sum = 0;
            for (var dirs : admin.describeLogDirs(admin.describeCluster().nodes().get().stream()
                            .map(n -> n.id())
                            .toList())
                    .allDescriptions()
                    .get()
                    .values()) {
                for (var dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> e :
                            dir.replicaInfos().entrySet()) {
                        if (e.getKey().topic().equals(topic)) {
                            sum += e.getValue().size();
                        }
                    }
                }
            }
            return sum;
        }
    }

    private static long lakeBytes(Path lake) throws IOException {
        try (var files = Files.walk(lake)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }

    /** With {@code -Dbench.jfr=<dir>}: each live TaskManager's recording, dumped with jcmd (the cluster kills them). */
    private void dumpFlightRecordings() throws Exception {
        String dir = System.getProperty("bench.jfr");
        if (dir == null) {
            return;
        }
        Files.createDirectories(Path.of(dir));
        for (ProcessHandle h : cluster.taskManagerProcesses()) {
            Path file = Path.of(dir).toAbsolutePath().resolve("taskmanager-" + h.pid() + ".jfr");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(h.pid()),
                            "JFR.dump",
                            "name=bench",
                            "filename=" + file)
                    .redirectErrorStream(true)
                    .start();
            String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0)
                    .as("jcmd JFR.dump: %s", outText)
                    .isTrue();
            say("flight recording of TaskManager %d: %s", h.pid(), file);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // report

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            Files.readAllLines(cpuinfo).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).strip()));
        }
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            Files.readAllLines(meminfo).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .ifPresent(l -> m.put("memoryBytes", 1024 * Long.parseLong(l.replaceAll("[^0-9]", ""))));
        }
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private void report() throws IOException {
        StringBuilder md = new StringBuilder();
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) facts.get("machine");
        md.append(String.format(
                Locale.ROOT,
                "Machine: %s cores (%s), %.0f GiB RAM, %s, %s%n",
                machine.get("cores"),
                machine.getOrDefault("cpu", "unknown CPU"),
                ((Number) machine.getOrDefault("memoryBytes", 0L)).doubleValue() / (1L << 30),
                machine.get("java"),
                machine.get("os")));
        md.append(String.format(
                Locale.ROOT,
                "Input: %,d Avro events, %d bytes on average (%,d clean, %,d duplicates, "
                        + "%,d bad), %d partitions; one TaskManager with 2 slots, parallelism 2, checkpoints every "
                        + "10 s%n%n",
                events,
                facts.get("averageRecordBytes"),
                cleanExpected,
                events - cleanExpected - deadExpected,
                deadExpected,
                PARTITIONS));
        md.append("| run | events/s | of raw consume | notes |\n|---|---:|---:|---|\n");
        for (Result r : results) {
            String rate =
                    Double.isNaN(r.eventsPerSecond()) ? "" : String.format(Locale.ROOT, "%,.0f", r.eventsPerSecond());
            String ratio = Double.isNaN(r.eventsPerSecond()) || rawConsume == 0
                    ? ""
                    : String.format(Locale.ROOT, "%.1f%%", 100 * r.eventsPerSecond() / rawConsume);
            md.append("| ")
                    .append(r.name())
                    .append(" | ")
                    .append(rate)
                    .append(" | ")
                    .append(ratio)
                    .append(" | ")
                    .append(notes(r))
                    .append(" |\n");
        }
        md.append(String.format(
                Locale.ROOT,
                "%nPeak TaskManager RSS over the whole run: %d MiB%n",
                ((Number) facts.get("peakTaskManagerRssBytes")).longValue() >> 20));
        Files.createDirectories(out);
        String stamp = Instant.now().toString().replace(':', '-');
        Path mdFile = out.resolve("bench-" + stamp + ".md");
        Path jsonFile = out.resolve("bench-" + stamp + ".json");
        Files.writeString(mdFile, md.toString());
        Map<String, Object> all = new LinkedHashMap<>(facts);
        all.put("rawConsumeRate", rawConsume);
        all.put("results", results);
        Files.writeString(jsonFile, json.writeValueAsString(all));
        System.out.println("\n--- eventpipe benchmark ---\n" + md + "\nwritten to " + mdFile + " and " + jsonFile);
    }

    private static String notes(Result r) {
        Map<String, Object> d = r.details();
        List<String> notes = new ArrayList<>();
        if (d.containsKey("outputExact")) {
            notes.add(Boolean.TRUE.equals(d.get("outputExact")) ? "outputs exact" : "OUTPUTS NOT EXACT " + d);
        }
        if (d.containsKey("checkpointMillis")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "checkpoint %d ms, state %s (incremental %s)",
                    (Long) d.get("checkpointMillis"),
                    mib(d.get("checkpointStateBytes")),
                    mib(d.get("checkpointedBytes"))));
        }
        if (d.containsKey("lakeBytes")) {
            notes.add("lake " + mib(d.get("lakeBytes")));
        }
        if (d.containsKey("cleanTopicBytes")) {
            notes.add("clean topic " + mib(d.get("cleanTopicBytes")));
        }
        if (d.containsKey("taskManagerCpuMicrosPerRecord")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "CPU per event: TM %.1f µs, broker %.1f µs, machine %.1f µs",
                    d.get("taskManagerCpuMicrosPerRecord"),
                    d.get("brokerCpuMicrosPerRecord"),
                    d.get("machineCpuMicrosPerRecord")));
        }
        if (d.containsKey("peakTaskManagerHeapBytes")) {
            notes.add("TM heap peak " + mib(d.get("peakTaskManagerHeapBytes")));
        }
        if (d.containsKey("p50Millis")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "p50 %d ms, p99 %d ms, max %d ms (%d samples)",
                    d.get("p50Millis"),
                    d.get("p99Millis"),
                    d.get("maxMillis"),
                    d.get("samples")));
        }
        if (d.containsKey("checkpointsInWindow")) {
            notes.add(String.format(
                    Locale.ROOT,
                    "%d checkpoints in the window, median %d ms, max %d ms",
                    d.get("checkpointsInWindow"),
                    d.get("checkpointMedianMillis"),
                    d.get("checkpointMaxMillis")));
        }
        if (d.containsKey("withGroupJoin")) {
            notes.add(String.format(Locale.ROOT, "%,d records/s with its group join", d.get("withGroupJoin")));
        }
        if (d.containsKey("recoveryMillis")) {
            notes.add("recovery after a TaskManager kill " + d.get("recoveryMillis") + " ms");
        }
        if (d.containsKey("transactionalIds")) {
            notes.add(d.get("transactionalIds") + " transactional ids at the broker");
        }
        if (d.containsKey("jobManagerRecoveryMillis")) {
            notes.add("after a JobManager kill and restart in place " + d.get("jobManagerRecoveryMillis") + " ms");
        }
        if (d.containsKey("attempts")) {
            notes.add("best of " + d.get("attempts"));
        }
        if (d.containsKey("seconds") && !d.containsKey("p50Millis")) {
            notes.add(d.get("seconds") + " s");
        }
        return String.join("; ", notes);
    }

    private static String mib(Object bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", ((Number) bytes).doubleValue() / (1 << 20));
    }

    /** A progress line; ./eventpipe bench shows the lines that start with "bench: ". */
    private static void say(String format, Object... args) {
        System.out.println("bench: " + String.format(Locale.ROOT, format, args));
    }
}
