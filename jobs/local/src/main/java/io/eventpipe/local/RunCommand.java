package io.eventpipe.local;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.generate.EventGenerator;
import io.eventpipe.common.generate.GeneratedRecord;
import io.eventpipe.common.embedded.EmbeddedKafka;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.ingest.IngestJob;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * {@code eventpipe run}: a Kafka broker, the topics, an event generator and the ingest job on a local mini-cluster
 * with the Flink web UI, all in this JVM. Stops on Ctrl-C or after {@code --duration} and prints a summary.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run everything locally: Kafka broker, topics, event generator, the ingest job with the "
                + "Flink web UI. Ctrl-C stops it.")
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

    @Option(names = "--data-dir", defaultValue = ".eventpipe/local",
            description = "Lake and checkpoints; emptied at start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--status-interval", defaultValue = "5s", description = "Status line period.")
    String statusInterval;

    @Option(names = "--config", description = "Ingest configuration file applied over the local defaults.")
    Path configFile;

    @Option(names = "--set", description = "Override an ingest configuration key: key=value.")
    List<String> sets = new ArrayList<>();

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Duration runFor = duration == null ? null : org.apache.flink.util.TimeUtils.parseDuration(duration);
        Duration every = org.apache.flink.util.TimeUtils.parseDuration(statusInterval);
        Path data = dataDir.toAbsolutePath();
        deleteRecursively(data);
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

        System.out.println("eventpipe local run: starting Kafka...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            IngestConfig config;
            try {
                config = IngestConfig.from(Settings.load(localDefaults(kafka.bootstrapServers(), data), configFile,
                        sets, System::getenv));
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            new Topics(config.kafka(), config.topicLayout()).create(TopicsCommand.specs(config))
                    .forEach(l -> System.out.println("  " + l));

            Configuration flink = config.runtime().toConfiguration();
            flink.set(RestOptions.PORT, webPort);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            IngestJob.addTo(env, config);
            JobClient job = env.executeAsync(config.runtime().jobName());
            System.out.println("Flink web UI: http://localhost:" + webPort + "   job " + job.getJobID());
            System.out.println("Kafka: " + kafka.bootstrapServers() + "   lake: " + lake);

            Generator generator = new Generator(kafka.bootstrapServers(), config.inputTopic(), format);
            FlinkRest rest = new FlinkRest(webPort);
            long started = System.nanoTime();
            try (OutputCounter out = new OutputCounter(kafka.bootstrapServers(), config.cleanTopic(),
                    config.dlqTopic())) {
                generator.start();
                long deadline = runFor == null ? Long.MAX_VALUE : started + runFor.toNanos();
                while (!stop.await(Math.min(every.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                    System.out.println(status(started, generator, out, rest, job, lake));
                }
                System.out.println("stopping: generator stopped, waiting for the last checkpoint to commit...");
                generator.close();
                awaitSettled(generator, out, rest, job, config.runtime().checkpointInterval().multipliedBy(3));
                System.out.println(status(started, generator, out, rest, job, lake));
                job.cancel().get(30, TimeUnit.SECONDS);
                summary(generator, out, rest.sum(job.getJobID(), "duplicatesDropped"), lake);
            } finally {
                generator.close();
                try {
                    job.cancel();
                } catch (RuntimeException ignored) {
                    // already finished
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

    private static String status(long started, Generator g, OutputCounter out, FlinkRest rest, JobClient job,
            Path lake) {
        long secs = (System.nanoTime() - started) / 1_000_000_000L;
        long dups = rest.sum(job.getJobID(), "duplicatesDropped");
        return String.format(Locale.ROOT,
                "[%02d:%02d] produced %,d | clean %,d | duplicates dropped %s | dead-lettered %,d | lake files %,d",
                secs / 60, secs % 60, g.produced(), out.clean(), dups < 0 ? "-" : String.format("%,d", dups),
                out.deadLettered(), lakeFiles(lake));
    }

    /** Waits until every produced record is accounted for (clean, dropped or dead-lettered), or the timeout. */
    private static void awaitSettled(Generator g, OutputCounter out, FlinkRest rest, JobClient job, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long dups = rest.sum(job.getJobID(), "duplicatesDropped");
            if (dups >= 0 && out.clean() + dups + out.deadLettered() >= g.produced()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static void summary(Generator g, OutputCounter out, long dups, Path lake) {
        System.out.println();
        System.out.println("Summary");
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

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
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
                    EnumSet.allOf(Reason.class), 100_000, System.nanoTime()));
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
