package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.AdversarialCorpus;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerProcess;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
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
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos soak: both shaded jobs on the standalone cluster (real JobManager and TaskManager processes, the
 * settings of deploy/standalone/config.yaml with its ZooKeeper high availability: a leading and a standby
 * JobManager, a ZooKeeper server), a Kafka broker in its own JVM and PostgreSQL, fed at a steady rate with valid
 * events, duplicates, ordinary bad records and the adversarial corpus, while faults are injected at random moments:
 * {@code kill -9} of a TaskManager running tasks (the cluster keeps a spare TaskManager, and a replacement is
 * started once the jobs have recovered), {@code kill -9} of the leading JobManager (the standby takes over; the
 * killed one is restarted in place as the next standby), a ZooKeeper stop and restart on the same port and data, a
 * broker stop and restart on the same port and data, and a PostgreSQL stop and restart. At the end every output is
 * checked exactly: the clean topic (read_committed), the lake, the dead-letter topic and archive, the
 * {@code event_windows} rows and the late and aggregate dead-letter topics. It prints the faults, each recovery
 * time (from the fault, or from an outage's end, to every task of both jobs RUNNING again) beside its target, and
 * the events checked.
 *
 * <p>The recovery times are measured and reported, not asserted: a loaded machine must not turn the test red. The
 * test asserts only that the jobs recover within generous deadlines ({@link #TASK_MANAGER_DEADLINE},
 * {@link #JOB_MANAGER_DEADLINE}), and that every output is exact.
 *
 * <p>CI runs the short version (3 TaskManager kills, 1 JobManager kill, the ZooKeeper, broker and database
 * restarts). The full one is {@code ./eventpipe soak} (10 TaskManager and 3 JobManager kills; {@code --kills},
 * {@code --jobmanager-kills}, {@code --seconds}, {@code --rate}, {@code --seed}, {@code --transaction-naming}), which
 * runs this test with {@code -Dsoak.kills}, {@code -Dsoak.jobmanager-kills}, {@code -Dsoak.seconds},
 * {@code -Dsoak.rate}, {@code -Dsoak.seed}, {@code -Dsoak.transaction-naming}.
 */
class ChaosSoakIT {
    private static final int PARTITIONS = 3;
    private static final long MIN = 60_000;
    private static final String NAME = "soak";
    /** The recovery target after a TaskManager kill (docs/operations.md): reported, not asserted. */
    private static final Duration TASK_MANAGER_TARGET = Duration.ofSeconds(10);
    /** The recovery target after a JobManager kill: the ZooKeeper session timeout plus the jobs' restart. */
    private static final Duration JOB_MANAGER_TARGET = Duration.ofSeconds(45);
    /** How long a recovery from a TaskManager kill may take before the test fails: generous, for slow days. */
    static final Duration TASK_MANAGER_DEADLINE = Duration.ofSeconds(60);
    /** How long a recovery from a JobManager kill or an outage may take before the test fails. */
    static final Duration JOB_MANAGER_DEADLINE = Duration.ofMinutes(3);

    @RegisterExtension
    static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @TempDir
    Path tmp;

    private final int kills = Integer.getInteger("soak.kills", 3);
    private final int jobManagerKills = Integer.getInteger("soak.jobmanager-kills", 1);
    private final int seconds = Integer.getInteger("soak.seconds", 100);
    private final int rate = Integer.getInteger("soak.rate", 400);
    private final long seed = Long.getLong("soak.seed", System.nanoTime());
    /** {@code sink.transaction-naming} of both jobs. */
    private final String transactionNaming = System.getProperty("soak.transaction-naming", "pooling");

    private final List<String> report = Collections.synchronizedList(new ArrayList<>());

    @Test
    void bothJobsStayExactThroughProcessKillsAndOutages() throws Exception {
        assertThat(kills).as("soak.kills").isPositive();
        assertThat(jobManagerKills).as("soak.jobmanager-kills").isNotNegative();
        assertThat(seconds).as("soak.seconds").isBetween(30, 3000);
        say(
                "soak: %d TaskManager kills, %d JobManager kills, a ZooKeeper, a broker and a database restart over %d s "
                        + "at %d records/s, %s transactional ids, seed %d",
                kills, jobManagerKills, seconds, rate, transactionNaming, seed);
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
        // a standby JobManager, as on a host of its own: it takes over when the leader dies
        cluster.startJobManager();
        String ingest = cluster.submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", configs[0].toString());
        String aggregate =
                cluster.submit(FlinkStandaloneCluster.jobJar("aggregate"), "--config", configs[1].toString());
        cluster.awaitRunning(ingest);
        cluster.awaitRunning(aggregate);
        cluster.awaitCheckpoints(ingest, 1);

        Feed feed = new Feed(kafka, new Random(seed));
        Thread feeder = new Thread(feed, "soak-feed");
        feeder.start();
        try {
            injectFaults(kafka, cluster, List.of(ingest, aggregate), new Random(seed + 1));
        } finally {
            feed.stop = true;
            feeder.join(TimeUnit.MINUTES.toMillis(10));
        }
        assertThat(feed.error.get()).as("the feed").isNull();
        List<GeneratedRecord> records = feed.sent;
        say("fed %,d records (%,d of the adversarial corpus) in %d s", records.size(), feed.hostile.get(), seconds);

        long started = System.nanoTime();
        IngestExpectations expected = IngestExpectations.of(records, 1_048_576 - DeadLetterHeaders.MAX_OVERHEAD_BYTES);
        Path lake = tmp.resolve("lake");
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> expected.reached(kafka, NAME + ".clean", NAME + ".dlq", lake));
        cluster.awaitRunning(ingest);
        cluster.awaitCheckpoints(ingest, 2);
        expected.assertExact(kafka, NAME + ".events", NAME + ".clean", NAME + ".dlq", lake);
        expected.assertArchiveExact(lake.resolve("_dead_letters"));

        Map<String, Long> windows = WindowRows.expected(records);
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            WindowRows.tick(p, NAME + ".clean", PARTITIONS, System.currentTimeMillis() + outOfOrderness() + MIN);
        }
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(WindowRows.read(url, PG.user())).isEqualTo(windows));
        cluster.awaitCheckpoints(aggregate, 2);
        assertThat(WindowRows.read(url, PG.user())).isEqualTo(windows);
        assertThat(kafka.readCommitted(NAME + ".late")).isEmpty();
        assertThat(kafka.readCommitted(NAME + ".agg-dlq")).isEmpty();
        assertThat(cluster.jobState(ingest)).isEqualTo("RUNNING");
        assertThat(cluster.jobState(aggregate)).isEqualTo("RUNNING");
        say(
                "checked exactly: %,d clean events in the clean topic and the lake, %,d dead letters (%,d cut and "
                        + "archived whole), %,d window rows, no late or aggregate dead letter (%d s)",
                expected.cleanIds().size(),
                expected.deadLetterCount(),
                expected.archived().values().stream().mapToLong(Long::longValue).sum(),
                windows.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
        cluster.cli("cancel", ingest);
        cluster.cli("cancel", aggregate);
    }

    /**
     * The faults at random moments over the run: {@link #kills} TaskManager kills, {@link #jobManagerKills} kills of
     * the leading JobManager, ZooKeeper down for 10 s, the broker down for 20 s, the database down for 20 s, each
     * only once the jobs have recovered from the one before. Prints each recovery time and, per kind of kill, the
     * worst beside its target.
     */
    private void injectFaults(
            KafkaBrokerProcess kafka, FlinkStandaloneCluster cluster, List<String> jobs, Random random)
            throws Exception {
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            faults.add("taskmanager");
        }
        List<String> others = new ArrayList<>(List.of("zookeeper", "broker", "database"));
        for (int i = 0; i < jobManagerKills; i++) {
            others.add("jobmanager");
        }
        for (String other : others) {
            faults.add(1 + random.nextInt(faults.size()), other);
        }
        long start = System.nanoTime();
        long slot = TimeUnit.SECONDS.toNanos(seconds) / (faults.size() + 1);
        Map<String, List<Long>> recoveries = new TreeMap<>();
        for (int i = 0; i < faults.size(); i++) {
            // a random moment in this fault's share of the run, once the previous fault has been recovered from
            long at = start + slot * i + (long) (random.nextDouble() * slot);
            long wait = at - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the schedule itself, not a wait for a condition
            }
            long t0 = System.nanoTime();
            long faultAt = System.currentTimeMillis();
            String kind = faults.get(i);
            String what;
            long ms;
            switch (kind) {
                case "taskmanager" -> {
                    int victim = cluster.busiestTaskManager();
                    String victimId = cluster.taskManagerId(victim);
                    cluster.killTaskManager(victim);
                    ms = awaitRecovered(
                                    cluster,
                                    jobs,
                                    faultAt,
                                    TASK_MANAGER_DEADLINE,
                                    () -> !cluster.taskManagerIds().contains(victimId))
                            - faultAt;
                    // as a supervisor would: a replacement, so that there is a spare TaskManager for the next kill
                    cluster.startTaskManager();
                    what = "kill -9 of a TaskManager running tasks, replaced";
                }
                case "jobmanager" -> {
                    int leader = cluster.awaitLeader();
                    cluster.killJobManager(leader);
                    ms = awaitRecovered(cluster, jobs, faultAt, JOB_MANAGER_DEADLINE, () -> true) - faultAt;
                    // as a supervisor would: restarted in place, it is the standby for the next kill
                    cluster.restartJobManager(leader);
                    what = "kill -9 of the leading JobManager, the standby took over, restarted";
                }
                case "zookeeper" -> {
                    cluster.zooKeeper().stop();
                    // shorter than the ZooKeeper session timeout (15 s): the sessions outlive it (docs/operations.md,
                    // "ZooKeeper outages", says what a longer one of a whole ensemble did once)
                    TimeUnit.SECONDS.sleep(10); // the outage's length
                    cluster.zooKeeper().restart();
                    long back = System.currentTimeMillis();
                    what = "ZooKeeper stopped for 10 s, restarted on the same port and data";
                    List<Integer> exited = cluster.restartExitedJobManagers();
                    if (!exited.isEmpty()) {
                        what += "; JobManagers " + exited + " had exited, restarted";
                    }
                    // the JobManagers lose their leadership with the connection: the jobs restart once it is back
                    ms = Math.max(0, awaitRecovered(cluster, jobs, faultAt, JOB_MANAGER_DEADLINE, () -> true) - back);
                }
                case "broker" -> {
                    kafka.stop();
                    TimeUnit.SECONDS.sleep(20); // the outage's length
                    kafka.restart();
                    ms = awaitRunning(cluster, jobs, System.nanoTime());
                    what = "Kafka broker stopped for 20 s, restarted on the same port and data";
                }
                default -> {
                    PG.server().stop();
                    TimeUnit.SECONDS.sleep(20); // the outage's length
                    PG.server().restart();
                    ms = awaitRunning(cluster, jobs, System.nanoTime());
                    what = "PostgreSQL stopped for 20 s, restarted";
                }
            }
            recoveries.computeIfAbsent(kind, k -> new ArrayList<>()).add(ms);
            say(
                    "fault %2d at %5.1f s: %-70s every task running %,6d ms %s",
                    i + 1,
                    (t0 - start) / 1e9,
                    what,
                    ms,
                    kind.endsWith("manager") ? "after the kill" : "after the restart");
        }
        report(recoveries, "taskmanager", "TaskManager kills", TASK_MANAGER_TARGET);
        report(recoveries, "jobmanager", "JobManager kills", JOB_MANAGER_TARGET);
    }

    private void report(Map<String, List<Long>> recoveries, String kind, String what, Duration target) {
        List<Long> times = recoveries.getOrDefault(kind, List.of());
        long worst = times.stream().mapToLong(Long::longValue).max().orElse(0);
        say(
                "%s: %d, recovery %s ms, worst %,d ms: target %d s %s",
                what, times.size(), times, worst, target.toSeconds(), worst <= target.toMillis() ? "met" : "NOT met");
    }

    /**
     * When the last task of the jobs ran again after the fault, in epoch milliseconds of the JobManager's clock (on
     * this host): once {@code faultSeen} holds (the JobManager has dropped a killed TaskManager, say) and every task
     * of every job runs, the latest switch to RUNNING of a task that restarted after the fault. Fails after
     * {@code deadline}, saying how long it waited.
     */
    private static long awaitRecovered(
            FlinkStandaloneCluster cluster,
            List<String> jobs,
            long faultAt,
            Duration deadline,
            Callable<Boolean> faultSeen) {
        AtomicLong recovered = new AtomicLong();
        await().alias("every task of both jobs running again within " + deadline.toSeconds() + " s of the fault")
                .atMost(deadline)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    if (!faultSeen.call()) {
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
                    return last > faultAt;
                });
        return recovered.get();
    }

    /** Milliseconds from {@code startNanos} until every task of every job runs (after an outage, by this clock). */
    private static long awaitRunning(FlinkStandaloneCluster cluster, List<String> jobs, long startNanos) {
        await().atMost(JOB_MANAGER_DEADLINE)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
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
            EventGenerator gen = new EventGenerator(
                    new EventGenerator.Settings(EventFormat.AVRO, 0.10, 0.005, ordinary, 0, random.nextLong()));
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
                        pendingHostile.addAll(
                                corpus.generate(second == 0 ? corpus.kinds().size() : 200, now));
                    }
                    int fromCorpus = Math.min(pendingHostile.size(), Math.max(1, pendingHostile.size() / 20));
                    List<GeneratedRecord> batch = new ArrayList<>(pendingHostile.subList(0, fromCorpus));
                    pendingHostile.subList(0, fromCorpus).clear();
                    hostile.addAndGet(batch.size());
                    for (int i = 0; i < rate; i++) {
                        batch.add(gen.next(now));
                    }
                    for (GeneratedRecord r : batch) {
                        p.send(r.toProducerRecord(NAME + ".events"), (meta, e) -> {
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
                + "sink:\n  transaction-timeout: 5min\n  transaction-naming: " + transactionNaming + "\n";
        Path ingest = tmp.resolve("ingest.yaml");
        Files.writeString(
                ingest,
                common
                        + "job:\n  name: " + NAME + "-ingest\n  parallelism: 2\n"
                        + "topics:\n  input: " + NAME + ".events\n  clean: " + NAME + ".clean\n  dlq: " + NAME
                        + ".dlq\n"
                        + "lake:\n  path: " + tmp.resolve("lake").toUri() + "\n");
        Path aggregate = tmp.resolve("aggregate.yaml");
        Files.writeString(
                aggregate,
                common
                        + "job:\n  name: " + NAME + "-aggregate\n  parallelism: 2\n"
                        + "topics:\n  clean: " + NAME + ".clean\n  results: " + NAME + ".stats\n  late: " + NAME
                        + ".late\n  dlq: " + NAME + ".agg-dlq\n"
                        // every window stays open until the final tick, so no event is late whatever the faults delay
                        + "source:\n  max-out-of-orderness: " + outOfOrderness() + "ms\n  idleness: 1s\n"
                        + "window:\n  size: 1min\n  allowed-lateness: 0s\n"
                        + "aggregate:\n  metrics:\n    order.created: sum(amount), min(amount), max(amount)\n"
                        + "postgres:\n  url: " + url + "\n  user: " + PG.user() + "\n  batch-interval: 200ms\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve("aggregate-dead-letters").toUri() + "\n");
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
