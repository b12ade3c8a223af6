package io.eventpipe.cluster;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerProcess;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
import io.eventpipe.testkit.generate.AdversarialCorpus;
import io.eventpipe.testkit.generate.EventGenerator;
import io.eventpipe.testkit.generate.GeneratedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos soak: both shaded jobs on the standalone cluster (real JobManager and TaskManager processes, the
 * settings of deploy/standalone/config.yaml), a Kafka broker in its own JVM and PostgreSQL, fed at a steady rate
 * with valid events, duplicates, ordinary bad records and the adversarial corpus, while faults are injected at
 * random moments: {@code kill -9} of a TaskManager running tasks (the cluster keeps a spare TaskManager, and a
 * replacement is started once the jobs have recovered), a broker stop and restart on the same port and data, and a
 * PostgreSQL stop and restart. At the end every output is checked exactly: the clean topic
 * (read_committed), the lake, the dead-letter topic and archive, the {@code event_windows} rows and the late and
 * aggregate dead-letter topics. It prints the faults, each recovery time (from the fault to every task of both jobs
 * RUNNING again) and the events checked.
 *
 * <p>CI runs the short version (3 kills, the broker and database restarts). The full one is
 * {@code ./eventpipe soak} (10 kills; {@code --kills}, {@code --seconds}, {@code --rate}, {@code --seed}), which
 * runs this test with {@code -Dsoak.kills}, {@code -Dsoak.seconds}, {@code -Dsoak.rate}, {@code -Dsoak.seed}.
 */
class ChaosSoakIT {
    private static final int PARTITIONS = 3;
    private static final long MIN = 60_000;
    private static final String NAME = "soak";

    @RegisterExtension
    static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @TempDir
    Path tmp;

    private final int kills = Integer.getInteger("soak.kills", 3);
    private final int seconds = Integer.getInteger("soak.seconds", 75);
    private final int rate = Integer.getInteger("soak.rate", 400);
    private final long seed = Long.getLong("soak.seed", System.nanoTime());
    private final List<String> report = Collections.synchronizedList(new ArrayList<>());

    @Test
    void bothJobsStayExactThroughTaskManagerKillsAndBrokerAndDatabaseOutages() throws Exception {
        assertThat(kills).as("soak.kills").isPositive();
        assertThat(seconds).as("soak.seconds").isBetween(30, 3000);
        say("soak: %d TaskManager kills, a broker restart and a database restart over %d s at %d records/s, seed %d",
                kills, seconds, rate, seed);
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(tmp.resolve("kafka"))) {
            soak(kafka);
        }
        System.out.println("--- chaos soak summary ---");
        report.forEach(System.out::println);
    }

    private void soak(KafkaBrokerProcess kafka) throws Exception {
        kafka.createTopic(NAME + ".events", PARTITIONS, Map.of("max.message.bytes", "3145728"));
        for (String t : List.of(".clean", ".dlq", ".stats", ".late", ".agg-dlq")) {
            kafka.createTopic(NAME + t, PARTITIONS, Map.of());
        }
        String url = PG.createDatabase(NAME);
        Path[] configs = writeConfigs(kafka, url);
        FlinkStandaloneCluster cluster = FLINK.cluster();
        // a spare TaskManager: the tasks of a lost one restart at once in its free slots
        cluster.startTaskManager();
        String ingest = cluster.submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", configs[0].toString());
        String aggregate = cluster.submit(FlinkStandaloneCluster.jobJar("aggregate"), "--config", configs[1].toString());
        cluster.awaitRunning(ingest);
        cluster.awaitRunning(aggregate);
        cluster.awaitCheckpoints(ingest, 1);

        Feed feed = new Feed(kafka, new Random(seed));
        Thread feeder = new Thread(feed, "soak-feed");
        feeder.start();
        long worstRecovery;
        try {
            worstRecovery = injectFaults(kafka, cluster, List.of(ingest, aggregate), new Random(seed + 1));
        } finally {
            feed.stop = true;
            feeder.join(TimeUnit.MINUTES.toMillis(10));
        }
        assertThat(feed.error.get()).as("the feed").isNull();
        List<GeneratedRecord> records = feed.sent;
        say("fed %,d records (%,d of the adversarial corpus) in %d s", records.size(), feed.hostile.get(),
                seconds);

        long started = System.nanoTime();
        IngestExpectations expected = IngestExpectations.of(records, 1_048_576 - DeadLetterHeaders.MAX_OVERHEAD_BYTES);
        Path lake = tmp.resolve("lake");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> expected.reached(kafka, NAME + ".clean", NAME + ".dlq", lake));
        cluster.awaitRunning(ingest);
        cluster.awaitCheckpoints(ingest, 2);
        expected.assertExact(kafka, NAME + ".events", NAME + ".clean", NAME + ".dlq", lake);
        expected.assertArchiveExact(lake.resolve("_dead_letters"));

        Map<String, Long> windows = WindowRows.expected(records);
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            WindowRows.tick(p, NAME + ".clean", PARTITIONS, System.currentTimeMillis() + outOfOrderness() + MIN);
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(WindowRows.read(url, PG.user())).isEqualTo(windows));
        cluster.awaitCheckpoints(aggregate, 2);
        assertThat(WindowRows.read(url, PG.user())).isEqualTo(windows);
        assertThat(kafka.readCommitted(NAME + ".late")).isEmpty();
        assertThat(kafka.readCommitted(NAME + ".agg-dlq")).isEmpty();
        assertThat(cluster.jobState(ingest)).isEqualTo("RUNNING");
        assertThat(cluster.jobState(aggregate)).isEqualTo("RUNNING");
        say("checked exactly: %,d clean events in the clean topic and the lake, %,d dead letters (%,d cut and "
                        + "archived whole), %,d window rows, no late or aggregate dead letter (%d s)",
                expected.cleanIds().size(), expected.deadLetterCount(),
                expected.archived().values().stream().mapToLong(Long::longValue).sum(), windows.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        cluster.cli("cancel", ingest);
        cluster.cli("cancel", aggregate);
        assertThat(worstRecovery).as("recovery after a TaskManager kill (ms)").isLessThanOrEqualTo(10_000);
    }

    /**
     * The faults at random moments over the run: {@link #kills} TaskManager kills, the broker down for 20 s, the
     * database down for 20 s, each only once the jobs have recovered from the one before.
     *
     * @return the longest recovery from a TaskManager kill, in milliseconds
     */
    private long injectFaults(KafkaBrokerProcess kafka, FlinkStandaloneCluster cluster, List<String> jobs,
            Random random) throws Exception {
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            faults.add("kill");
        }
        faults.add(1 + random.nextInt(faults.size()), "broker");
        faults.add(1 + random.nextInt(faults.size()), "database");
        long start = System.nanoTime();
        long slot = TimeUnit.SECONDS.toNanos(seconds) / (faults.size() + 1);
        List<Long> recoveries = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            // a random moment in this fault's share of the run, once the previous fault has been recovered from
            long at = start + slot * i + (long) (random.nextDouble() * slot);
            long wait = at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the schedule itself, not a wait for a condition
            }
            int victim = cluster.busiestTaskManager();
            String victimId = cluster.taskManagerId(victim);
            long t0 = System.nanoTime();
            long faultAt = System.currentTimeMillis();
            boolean kill = faults.get(i).equals("kill");
            String what = switch (faults.get(i)) {
                case "kill" -> {
                    cluster.killTaskManager(victim);
                    yield "kill -9 of a TaskManager running tasks";
                }
                case "broker" -> {
                    kafka.stop();
                    TimeUnit.SECONDS.sleep(20); // the outage's length
                    kafka.restart();
                    yield "Kafka broker stopped for 20 s, restarted on the same port and data";
                }
                default -> {
                    PG.server().stop();
                    TimeUnit.SECONDS.sleep(20); // the outage's length
                    PG.server().restart();
                    yield "PostgreSQL stopped for 20 s, restarted";
                }
            };
            // after a kill: from the kill; after an outage: from the service's return
            long ms = kill ? awaitRecovered(cluster, jobs, victimId, faultAt)
                    : awaitRunning(cluster, jobs, System.nanoTime());
            if (kill) {
                recoveries.add(ms);
                // as a supervisor would: a replacement, so that there is a spare TaskManager for the next kill
                cluster.startTaskManager();
                what += ", replaced";
            }
            say("fault %2d at %5.1f s: %-68s every task running %,6d ms %s", i + 1, (t0 - start) / 1e9, what, ms,
                    kill ? "after the kill" : "after the restart");
        }
        long worst = recoveries.stream().mapToLong(Long::longValue).max().orElse(0);
        say("TaskManager kills: %d, recovery %s ms, worst %,d ms", recoveries.size(), recoveries, worst);
        return worst;
    }

    /**
     * Milliseconds from the kill to the last task of the jobs running again, by the JobManager's clock: once the
     * JobManager has dropped the killed TaskManager (so every job that lost a task is restarting) and every task of
     * every job runs, the latest switch to RUNNING of a task that restarted after the kill.
     */
    private static long awaitRecovered(FlinkStandaloneCluster cluster, List<String> jobs, String victimId,
            long killedAt) {
        AtomicLong recovered = new AtomicLong();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            if (cluster.taskManagerIds().contains(victimId)) {
                return false;
            }
            long last = 0;
            for (String job : jobs) {
                if (!cluster.allTasksRunning(job)) {
                    return false;
                }
                last = Math.max(last, cluster.lastTaskRunningAt(job));
            }
            recovered.set(last);
            return last > killedAt;
        });
        return recovered.get() - killedAt;
    }

    /** Milliseconds from {@code startNanos} until every task of every job runs (after an outage, by this clock). */
    private static long awaitRunning(FlinkStandaloneCluster cluster, List<String> jobs, long startNanos) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> jobs.stream().allMatch(job -> {
                    try {
                        return cluster.allTasksRunning(job);
                    } catch (Exception e) {
                        return false;
                    }
                }));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Sends records at {@link #rate} per second until stopped, keeping each one the broker acknowledged. */
    private final class Feed implements Runnable {
        private final KafkaBrokerProcess kafka;
        private final Random random;
        final List<GeneratedRecord> sent = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong hostile = new AtomicLong();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean stop;

        Feed(KafkaBrokerProcess kafka, Random random) {
            this.kafka = kafka;
            this.random = random;
        }

        @Override
        public void run() {
            Set<Reason> ordinary = EnumSet.copyOf(EventGenerator.BAD_KINDS);
            ordinary.remove(Reason.TOO_LARGE); // the corpus brings records over 1 MiB
            EventGenerator gen = new EventGenerator(new EventGenerator.Settings(EventFormat.AVRO, 0.10, 0.005,
                    ordinary, 0, random.nextLong()));
            AdversarialCorpus corpus = new AdversarialCorpus(
                    new AdversarialCorpus.Settings(EventFormat.AVRO, 1_000_000, random.nextLong()));
            List<GeneratedRecord> pendingHostile = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
                long next = System.nanoTime();
                long end = next + TimeUnit.SECONDS.toNanos(seconds);
                int second = 0;
                while (!stop && System.nanoTime() < end) {
                    long now = System.currentTimeMillis();
                    if (second % 20 == 0) {
                        // a share of the corpus every 20 s, spread over the next 20 s (its LARGE kinds included)
                        pendingHostile.addAll(corpus.generate(second == 0 ? corpus.kinds().size() : 200, now));
                    }
                    int fromCorpus = Math.min(pendingHostile.size(), Math.max(1, pendingHostile.size() / 20));
                    List<GeneratedRecord> batch = new ArrayList<>(pendingHostile.subList(0, fromCorpus));
                    pendingHostile.subList(0, fromCorpus).clear();
                    hostile.addAndGet(batch.size());
                    for (int i = 0; i < rate; i++) {
                        batch.add(gen.next(now));
                    }
                    for (GeneratedRecord r : batch) {
                        p.send(new ProducerRecord<>(NAME + ".events", null, r.timestamp(), r.key(), r.value()),
                                (meta, e) -> {
                                    if (e != null) {
                                        error.compareAndSet(null, e);
                                    }
                                });
                        sent.add(r);
                    }
                    second++;
                    next += TimeUnit.SECONDS.toNanos(1);
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the feed's pace
                    }
                }
                p.flush();
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            }
        }
    }

    private Path[] writeConfigs(KafkaBrokerProcess kafka, String url) throws Exception {
        // no restart.* here: the cluster's restart strategy (deploy/standalone/config.yaml) is the one under test
        String common = "kafka:\n  bootstrap-servers: " + kafka.bootstrapServers() + "\n"
                + "checkpoint:\n  interval: 2s\n  timeout: 1min\n"
                + "state:\n  backend: rocksdb\n"
                + "sink:\n  transaction-timeout: 5min\n";
        Path ingest = tmp.resolve("ingest.yaml");
        Files.writeString(ingest, common
                + "job:\n  name: " + NAME + "-ingest\n  parallelism: 2\n"
                + "topics:\n  input: " + NAME + ".events\n  clean: " + NAME + ".clean\n  dlq: " + NAME + ".dlq\n"
                + "lake:\n  path: " + tmp.resolve("lake").toUri() + "\n");
        Path aggregate = tmp.resolve("aggregate.yaml");
        Files.writeString(aggregate, common
                + "job:\n  name: " + NAME + "-aggregate\n  parallelism: 2\n"
                + "topics:\n  clean: " + NAME + ".clean\n  results: " + NAME + ".stats\n  late: " + NAME
                + ".late\n  dlq: " + NAME + ".agg-dlq\n"
                // every window stays open until the final tick, so no event is late whatever the faults delay
                + "source:\n  max-out-of-orderness: " + outOfOrderness() + "ms\n  idleness: 1s\n"
                + "window:\n  size: 1min\n  allowed-lateness: 0s\n"
                + "aggregate:\n  metrics:\n    order.created: sum(amount), min(amount), max(amount)\n"
                + "postgres:\n  url: " + url + "\n  user: " + PG.user() + "\n  batch-interval: 200ms\n"
                + "sink.dlq.archive-path: " + tmp.resolve("aggregate-dead-letters").toUri() + "\n");
        return new Path[] {ingest, aggregate};
    }

    /**
     * The aggregate's watermark delay: longer than the whole run, so that no window closes before the final tick;
     * the tick lies that far ahead, within the hour a broker accepts (the run is limited to 50 minutes).
     */
    private long outOfOrderness() {
        return TimeUnit.SECONDS.toMillis(seconds) + 5 * MIN;
    }

    private void say(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        report.add(line);
        System.out.println(line);
    }
}
