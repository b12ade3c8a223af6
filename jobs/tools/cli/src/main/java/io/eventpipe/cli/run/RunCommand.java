package io.eventpipe.cli.run;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.AggregateJob;
import io.eventpipe.cli.EnvelopeFormat;
import io.eventpipe.cli.Topics;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.io.Directories;
import io.eventpipe.common.kafka.JobTopics;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.ingest.IngestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eventpipe run}: a Kafka broker, PostgreSQL, the topics, an event generator, and the ingest and aggregate
 * jobs on one local mini-cluster with the Flink web UI, all in this JVM. Stops on Ctrl-C or after
 * {@code --duration} and prints a summary. The parts: {@link LocalInfrastructure}, {@link LocalConfigs},
 * {@link LocalCluster}, {@link Traffic} and {@link StatusReport}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run everything locally: Kafka broker, PostgreSQL, topics, event generator, the ingest and "
                + "aggregate jobs with the Flink web UI. Ctrl-C stops it.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--duration", description = "Stop after this long, e.g. 60s or 5min (default: until Ctrl-C).")
    String duration;

    @Option(names = "--rate", defaultValue = "500", description = "Events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--duplicates",
            defaultValue = "0.10",
            description = "Share of events sent twice (default: ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(
            names = "--bad",
            defaultValue = "0.01",
            description = "Share of bad records of each kind (default: ${DEFAULT-VALUE}).")
    double bad;

    @Option(
            names = "--format",
            defaultValue = "avro",
            completionCandidates = EnvelopeFormat.Candidates.class,
            converter = EnvelopeFormat.Converter.class,
            description = "Input format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(
            names = "--metrics-port",
            defaultValue = "9249",
            description = "Prometheus /metrics port of the local cluster (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(
            names = "--data-dir",
            defaultValue = ".eventpipe/local",
            description = "Lake and checkpoints; emptied at start (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--status-interval", defaultValue = "5s", description = "Status line period.")
    String statusInterval;

    @Option(
            names = "--config",
            description = "Ingest configuration file applied over the local defaults (deploy/config/local/).")
    Path configFile;

    @Option(names = "--set", description = "Override an ingest configuration key: key=value.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--aggregate-config", description = "Aggregate configuration file applied over the local defaults.")
    Path aggregateConfigFile;

    @Option(names = "--aggregate-set", description = "Override an aggregate configuration key: key=value.")
    List<String> aggregateSets = new ArrayList<>();

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Duration runFor = duration == null ? null : TimeUtils.parseDuration(duration);
        Duration every = TimeUtils.parseDuration(statusInterval);
        Path data = dataDir.toAbsolutePath();
        Directories.deleteRecursively(data);
        Files.createDirectories(data);
        Path lake = data.resolve("lake");
        Path log = Path.of(System.getProperty("eventpipe.log.file", ".eventpipe/eventpipe.log"))
                .toAbsolutePath();

        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "eventpipe-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);

        System.out.println("eventpipe local run: starting Kafka and PostgreSQL (their output goes to " + log + ")...");
        try (LocalInfrastructure infra = LocalInfrastructure.start(data, log)) {
            LocalConfigs configs = new LocalConfigs(
                    infra.kafka().bootstrapServers(),
                    data,
                    infra.postgres().jdbcUrl(),
                    infra.postgres().user(),
                    format.name().toLowerCase(Locale.ROOT));
            IngestConfig ingest;
            AggregateConfig aggregate;
            try {
                ingest = configs.ingest(configFile, sets);
                aggregate = configs.aggregate(aggregateConfigFile, aggregateSets);
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            Topics topics = new Topics(ingest.kafka(), ingest.topicLayout());
            List<JobTopics.Spec> ingestTopics = IngestConfig.TOPICS.specs(ingest);
            topics.create(ingestTopics).forEach(l -> System.out.println("  " + l));
            // the aggregate job reads the clean topic the ingest job created
            topics.create(AggregateConfig.TOPICS.specs(aggregate).stream()
                            .filter(t -> ingestTopics.stream()
                                    .noneMatch(i -> i.name().equals(t.name())))
                            .toList())
                    .forEach(l -> System.out.println("  " + l));
            AggregateJob.startupChecks(aggregate);

            try (LocalCluster flink = LocalCluster.start(webPort, metricsPort, ingest, aggregate)) {
                System.out.println("Flink web UI: http://localhost:" + webPort + "   jobs: ingest " + flink.ingestJob()
                        + ", aggregate " + flink.aggregateJob());
                System.out.println("Prometheus metrics: http://localhost:" + metricsPort + "/metrics");
                System.out.println("Kafka: " + infra.kafka().bootstrapServers() + "   lake: " + lake);
                System.out.println(
                        "PostgreSQL: psql -h localhost -p " + infra.postgres().port()
                                + " -U postgres -c 'SELECT * FROM event_windows ORDER BY window_start DESC LIMIT 20'");
                return run(infra, flink, ingest, lake, runFor, every) ? 0 : 1;
            }
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already shutting down, and the hook is what waits for this method
            }
        }
    }

    /** Sends traffic and prints status until stopped; true when both jobs were still running at the end. */
    private boolean run(
            LocalInfrastructure infra,
            LocalCluster flink,
            IngestConfig ingest,
            Path lake,
            Duration runFor,
            Duration every)
            throws Exception {
        String bootstrap = infra.kafka().bootstrapServers();
        try (Traffic traffic = new Traffic(bootstrap, ingest.inputTopic(), format, rate, duplicates, bad);
                OutputCounter counter = new OutputCounter(bootstrap, ingest.cleanTopic(), ingest.dlqTopic())) {
            StatusReport report = new StatusReport(
                    System.out,
                    new FlinkRest(webPort),
                    traffic,
                    counter,
                    flink.ingestJob(),
                    flink.aggregateJob(),
                    infra.postgres(),
                    lake);
            long started = System.nanoTime();
            long deadline = runFor == null ? Long.MAX_VALUE : started + runFor.toNanos();
            traffic.start();
            while (!stop.await(
                            Math.min(every.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                            TimeUnit.MILLISECONDS)
                    && System.nanoTime() < deadline) {
                report.printStatus();
            }
            System.out.println("stopping: generator stopped, waiting for the last checkpoint to commit...");
            traffic.close();
            if (report.health().values().stream().allMatch(FlinkRest.JobHealth::running)) {
                report.awaitSettled(ingest.runtime().checkpointInterval().multipliedBy(3));
            }
            report.printStatus();
            return report.printSummary();
        }
    }
}
