package io.eventpipe.local;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.AggregateJob;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.embedded.EmbeddedKafka;
import io.eventpipe.common.embedded.EmbeddedPostgres;
import io.eventpipe.common.generate.EventGenerator;
import io.eventpipe.common.generate.GeneratedRecord;
import io.eventpipe.common.io.Directories;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.ingest.IngestJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code eventpipe run}: a Kafka broker, PostgreSQL, the topics, an event generator, and the ingest and aggregate
 * jobs on one local mini-cluster with the Flink web UI, all in this JVM. Stops on Ctrl-C or after
 * {@code --duration} and prints a summary.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run everything locally: Kafka broker, PostgreSQL, topics, event generator, the ingest and "
                + "aggregate jobs with the Flink web UI. Ctrl-C stops it.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--duration", description = "Stop after this long, e.g. 60s or 5min (default: until Ctrl-C).")
    String duration;

    @Option(names = "--rate", defaultValue = "500", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duplicates", defaultValue = "0.10",
            description = "Share of events sent twice (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--bad", defaultValue = "0.01",
            description = "Share of bad records of each kind (default: ${DEFAULT-VALUE}).")
    double bad;

    @Option(names = "--format", defaultValue = "AVRO",
            description = "Input format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--metrics-port", defaultValue = "9249",
            description = "Prometheus /metrics port of the local cluster (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--data-dir", defaultValue = ".eventpipe/local",
            description = "Lake and checkpoints; emptied at start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--status-interval", defaultValue = "5s", description = "Status line period.")
    String statusInterval;

    @Option(names = "--config", description = "Ingest configuration file applied over the local defaults.")
    Path configFile;

    @Option(names = "--set", description = "Override an ingest configuration key: key=value.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--aggregate-config",
            description = "Aggregate configuration file applied over the local defaults.")
    Path aggregateConfigFile;

    @Option(names = "--aggregate-set", description = "Override an aggregate configuration key: key=value.")
    List<String> aggregateSets = new ArrayList<>();

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Duration runFor = duration == null ? null : org.apache.flink.util.TimeUtils.parseDuration(duration);
        Duration every = org.apache.flink.util.TimeUtils.parseDuration(statusInterval);
        Path data = dataDir.toAbsolutePath();
        Directories.deleteRecursively(data);
        Files.createDirectories(data);
        Path lake = data.resolve("lake");

        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "eventpipe-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);

        Path log = Path.of(System.getProperty("eventpipe.log.file", ".eventpipe/eventpipe.log")).toAbsolutePath();
        System.out.println("eventpipe local run: starting Kafka and PostgreSQL (their output goes to " + log + ")...");
        try (EmbeddedKafka kafka = intoLog(log, EmbeddedKafka::start);
             EmbeddedPostgres postgres = intoLog(log, () -> EmbeddedPostgres.start(data.resolve("postgres")))) {
            IngestConfig ingest;
            AggregateConfig aggregate;
            try {
                ingest = IngestConfig.from(Settings.load(localDefaults(kafka.bootstrapServers(), data), configFile,
                        sets, System::getenv));
                aggregate = AggregateConfig.from(Settings.load(aggregateDefaults(kafka.bootstrapServers(), data,
                        postgres), aggregateConfigFile, aggregateSets, System::getenv));
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            Topics topics = new Topics(ingest.kafka(), ingest.topicLayout());
            topics.create(TopicsCommand.specs(ingest)).forEach(l -> System.out.println("  " + l));
            topics.create(TopicsCommand.specs(aggregate).stream()
                            .filter(t -> TopicsCommand.specs(ingest).stream().noneMatch(i -> i.name().equals(t.name())))
                            .toList())
                    .forEach(l -> System.out.println("  " + l));
            AggregateJob.startupChecks(aggregate);

            Configuration clusterConfig = new Configuration();
            clusterConfig.set(RestOptions.PORT, webPort);
            clusterConfig.set(RestOptions.BIND_ADDRESS, "localhost");
            clusterConfig.setString("metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            clusterConfig.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
            try (MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(clusterConfig)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(4)
                    .build())) {
                flink.start();
                StreamExecutionEnvironment ingestEnv =
                        StreamExecutionEnvironment.getExecutionEnvironment(ingest.runtime().toConfiguration());
                IngestJob.addTo(ingestEnv, ingest);
                JobID ingestJob = flink.submitJob(ingestEnv.getStreamGraph()).get().getJobID();
                StreamExecutionEnvironment aggregateEnv =
                        StreamExecutionEnvironment.getExecutionEnvironment(aggregate.runtime().toConfiguration());
                AggregateJob.addTo(aggregateEnv, aggregate);
                JobID aggregateJob = flink.submitJob(aggregateEnv.getStreamGraph()).get().getJobID();

                System.out.println("Flink web UI: http://localhost:" + webPort + "   jobs: ingest " + ingestJob
                        + ", aggregate " + aggregateJob);
                System.out.println("Prometheus metrics: http://localhost:" + metricsPort + "/metrics");
                System.out.println("Kafka: " + kafka.bootstrapServers() + "   lake: " + lake);
                System.out.println("PostgreSQL: psql -h localhost -p " + postgres.port()
                        + " -U postgres -c 'SELECT * FROM event_windows ORDER BY window_start DESC LIMIT 20'");
                if (!run(new Running(flink, ingestJob, aggregateJob, kafka, postgres, ingest, lake, runFor, every))) {
                    return 1;
                }
            }
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down because of Ctrl-C
            }
        }
        return 0;
    }

    /**
     * Runs {@code start} with the console's output going to the log file: Kafka's storage formatter prints to
     * standard output, which would land among the status lines.
     */
    private static <T> T intoLog(Path log, Callable<T> start) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Files.createDirectories(log.getParent());
        try (PrintStream toLog = new PrintStream(new FileOutputStream(log.toFile(), true), true,
                StandardCharsets.UTF_8)) {
            System.setOut(toLog);
            System.setErr(toLog);
            return start.call();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** What runs, for the status loop. */
    private record Running(MiniCluster flink, JobID ingestJob, JobID aggregateJob, EmbeddedKafka kafka,
            EmbeddedPostgres postgres, IngestConfig ingest, Path lake, Duration runFor, Duration every) {}

    /** Runs until stopped; true when both jobs were still running at the end. */
    private boolean run(Running r) throws Exception {
        Generator generator = new Generator(r.kafka().bootstrapServers(), r.ingest().inputTopic(), format);
        FlinkRest rest = new FlinkRest(webPort);
        Status status = new Status(generator, rest, r);
        long started = System.nanoTime();
        try (OutputCounter out = new OutputCounter(r.kafka().bootstrapServers(), r.ingest().cleanTopic(),
                r.ingest().dlqTopic())) {
            generator.start();
            long deadline = r.runFor() == null ? Long.MAX_VALUE : started + r.runFor().toNanos();
            while (!stop.await(Math.min(r.every().toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                    TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                System.out.println(status.lines(started, out));
            }
            System.out.println("stopping: generator stopped, waiting for the last checkpoint to commit...");
            generator.close();
            Map<String, FlinkRest.JobHealth> health = status.health();
            if (health.values().stream().allMatch(FlinkRest.JobHealth::running)) {
                awaitSettled(generator, out, rest, r.ingestJob(),
                        r.ingest().runtime().checkpointInterval().multipliedBy(3));
            }
            System.out.println(status.lines(started, out));
            Map<String, FlinkRest.JobHealth> end = status.health();
            summary(generator, out, rest.sum(r.ingestJob(), "duplicatesDropped"), r.lake(), end);
            latestWindows(r.postgres());
            return end.values().stream().allMatch(FlinkRest.JobHealth::running);
        } finally {
            generator.close();
            for (JobID job : List.of(r.ingestJob(), r.aggregateJob())) {
                try {
                    r.flink().cancelJob(job).get(30, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // already finished, or the cluster is going down with the JVM
                }
            }
        }
    }

    /** Builds the status lines: each job's state and restarts, the counts, and a warning while a job fails. */
    private static final class Status {
        private final Generator generator;
        private final FlinkRest rest;
        private final Running running;
        private final Map<String, Long> restartsSeen = new HashMap<>();

        Status(Generator generator, FlinkRest rest, Running running) {
            this.generator = generator;
            this.rest = rest;
            this.running = running;
        }

        Map<String, FlinkRest.JobHealth> health() {
            Map<String, FlinkRest.JobHealth> jobs = new java.util.LinkedHashMap<>();
            jobs.put("ingest", rest.health(running.ingestJob()));
            jobs.put("aggregate", rest.health(running.aggregateJob()));
            return jobs;
        }

        String lines(long started, OutputCounter out) {
            long secs = (System.nanoTime() - started) / 1_000_000_000L;
            long dups = rest.sum(running.ingestJob(), "duplicatesDropped");
            Map<String, FlinkRest.JobHealth> jobs = health();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%02d:%02d]", secs / 60, secs % 60));
            StringBuilder warnings = new StringBuilder();
            jobs.forEach((name, h) -> {
                line.append(' ').append(name).append(' ').append(h.state());
                if (h.restarts() > 0) {
                    line.append(" (").append(h.restarts()).append(h.restarts() == 1 ? " restart)" : " restarts)");
                }
                line.append(" |");
                long before = restartsSeen.getOrDefault(name, 0L);
                restartsSeen.put(name, Math.max(before, h.restarts()));
                if (!h.running() || h.restarts() > before) {
                    warnings.append(String.format(Locale.ROOT, "%n  ! %s job: %s", name,
                            h.running() ? "running again after a restart" : h.state()));
                    if (h.lastFailure() != null) {
                        warnings.append("; last failure: ").append(h.lastFailure());
                    }
                }
            });
            line.append(String.format(Locale.ROOT, " produced %,d | clean %,d | duplicates dropped %s | "
                            + "dead-lettered %,d | lake files %,d | windows written %,d",
                    generator.produced(), out.clean(), dups < 0 ? "-" : String.format("%,d", dups),
                    out.deadLettered(), lakeFiles(running.lake()), windows(running.postgres())));
            return line.append(warnings).toString();
        }
    }

    private static long windows(EmbeddedPostgres pg) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM event_windows")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    private static void latestWindows(EmbeddedPostgres pg) {
        System.out.println();
        System.out.println("Latest windows (event_windows)");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT window_start, type, source, event_count, metrics::text "
                     + "FROM event_windows ORDER BY window_start DESC, type, source LIMIT 12")) {
            System.out.printf(Locale.ROOT, "  %-22s %-18s %-18s %7s  %s%n", "window_start", "type", "source",
                    "events", "metrics");
            while (rs.next()) {
                System.out.printf(Locale.ROOT, "  %-22s %-18s %-18s %7d  %s%n",
                        rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5));
            }
        } catch (SQLException e) {
            System.out.println("  cannot read them: " + e.getMessage());
        }
    }

    private Map<String, String> aggregateDefaults(String bootstrap, Path data, EmbeddedPostgres pg) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", "eventpipe-aggregate-local");
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("topics.partitions", "3");
        m.put("topics.replication-factor", "1");
        m.put("topics.min-insync-replicas", "1");
        m.put("window.size", "10s");
        m.put("window.allowed-lateness", "10s");
        m.put("source.max-out-of-orderness", "3s");
        m.put("source.idleness", "5s");
        m.put("aggregate.metrics.order.created", "sum(amount), min(amount), max(amount)");
        m.put("aggregate.metrics.payment.captured", "sum(amount)");
        m.put("checkpoint.interval", "5s");
        m.put("checkpoint.timeout", "1min");
        m.put("checkpoint.dir", data.resolve("checkpoints-aggregate").toUri().toString());
        m.put("sink.dlq.archive-path", data.resolve("dead-letters-aggregate").toUri().toString());
        m.put("sink.transaction-timeout", "5min");
        m.put("restart.attempts", "3");
        m.put("restart.delay", "2s");
        m.put("postgres.url", pg.jdbcUrl());
        m.put("postgres.user", pg.user());
        return m;
    }

    private Map<String, String> localDefaults(String bootstrap, Path data) {
        Map<String, String> m = new HashMap<>();
        m.put("job.name", "eventpipe-ingest-local");
        m.put("job.parallelism", "2");
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("topics.partitions", "3");
        m.put("topics.replication-factor", "1");
        m.put("topics.min-insync-replicas", "1");
        m.put("source.format", format.name().toLowerCase(Locale.ROOT));
        m.put("validation.max-record-bytes", "64kb");
        m.put("checkpoint.interval", "5s");
        m.put("checkpoint.timeout", "1min");
        m.put("checkpoint.dir", data.resolve("checkpoints").toUri().toString());
        m.put("sink.transaction-timeout", "5min");
        m.put("restart.attempts", "3");
        m.put("restart.delay", "2s");
        m.put("lake.path", data.resolve("lake").toUri().toString());
        return m;
    }

    /**
     * Waits until every produced record is accounted for (clean, dropped or dead-lettered); says so when it gives
     * up after the timeout.
     */
    private static void awaitSettled(Generator g, OutputCounter out, FlinkRest rest, JobID job, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long accounted = -1;
        while (System.nanoTime() < deadline) {
            long dups = rest.sum(job, "duplicatesDropped");
            accounted = dups < 0 ? -1 : out.clean() + dups + out.deadLettered();
            if (accounted >= g.produced()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        System.out.printf(Locale.ROOT, "  not settled after %ds: %s of %,d produced records are not yet committed"
                        + " (clean, dropped or dead-lettered)%n", timeout.toSeconds(),
                accounted < 0 ? "some" : String.format(Locale.ROOT, "%,d", g.produced() - accounted), g.produced());
    }

    private static void summary(Generator g, OutputCounter out, long dups, Path lake,
            Map<String, FlinkRest.JobHealth> jobs) {
        System.out.println();
        System.out.println("Summary");
        StringBuilder restarts = new StringBuilder();
        jobs.forEach((name, h) -> restarts.append(restarts.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(h.restarts() < 0 ? "-" : Long.toString(h.restarts())));
        System.out.println("  restarts            " + restarts);
        jobs.forEach((name, h) -> {
            if (!h.running()) {
                System.out.printf(Locale.ROOT, "  ! %s job: %s; last failure: %s%n", name, h.state(),
                        h.lastFailure() == null ? "none reported" : h.lastFailure());
            }
        });
        System.out.printf(Locale.ROOT, "  produced            %,d%n", g.produced());
        System.out.printf(Locale.ROOT, "  clean (committed)   %,d%n", out.clean());
        System.out.printf(Locale.ROOT, "  duplicates dropped  %s%n", dups < 0 ? "-" : String.format("%,d", dups));
        System.out.printf(Locale.ROOT, "  dead-lettered       %,d%n", out.deadLettered());
        out.deadLetteredByReason().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf(Locale.ROOT, "    %-18s %,d%n", e.getKey(), e.getValue().get()));
        System.out.printf(Locale.ROOT, "  lake files          %,d under %s%n", lakeFiles(lake), lake);
        System.out.println("  query them, e.g. with DuckDB:  SELECT type, count(*) FROM read_parquet('" + lake
                + "/**/*.parquet') GROUP BY type;");
    }

    static long lakeFiles(Path lake) {
        if (!Files.isDirectory(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // files move while the sink commits; the next status line counts again
        }
    }


    /** Sends generated records at the configured rate from its own thread. */
    private final class Generator implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final EventGenerator events;
        private final AtomicLong produced = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Generator(String bootstrap, String topic, EventFormat format) {
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrap);
            p.setProperty("acks", "all");
            p.setProperty("linger.ms", "10");
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            this.topic = topic;
            this.events = new EventGenerator(new EventGenerator.Settings(format, duplicates, bad,
                    EventGenerator.BAD_KINDS, 100_000, System.nanoTime()));
            this.thread = new Thread(this::loop, "eventpipe-generator");
        }

        void start() {
            thread.start();
        }

        private void loop() {
            long tick = 100;
            double perTick = rate * tick / 1000.0;
            double carry = 0;
            while (running) {
                long begin = System.nanoTime();
                carry += perTick;
                for (; carry >= 1 && running; carry--) {
                    GeneratedRecord r = events.next(System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value()),
                            (md, e) -> {
                                if (e == null) {
                                    produced.incrementAndGet();
                                }
                            });
                }
                long rest = tick - (System.nanoTime() - begin) / 1_000_000;
                if (rest > 0) {
                    try {
                        TimeUnit.MILLISECONDS.sleep(rest);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        long produced() {
            return produced.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (!running) {
                return;
            }
            running = false;
            thread.join(5_000);
            producer.flush();
            producer.close(Duration.ofSeconds(5));
        }
    }
}
