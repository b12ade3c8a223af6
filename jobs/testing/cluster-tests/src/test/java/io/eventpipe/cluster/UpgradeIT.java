package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.aggregate.functions.WindowAggregator;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.ingest.functions.DedupFunction;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades through savepoints on a real cluster, with the operator scripts in deploy/standalone/bin: both jobs are
 * stopped with a savepoint and resumed from it as a "next release" whose state types gained a field, first at a
 * higher parallelism (1→2), then back (2→1). Events seen before an upgrade are still duplicates after it, and windows
 * open across both upgrades close with every event counted. Then the ingest job is rolled back to the released jar
 * from the savepoint taken before the upgrade. The savepoints' own metadata shows which state types each version
 * wrote.
 */
class UpgradeIT {
    private static final int PARTITIONS = 3;
    private static final long MIN = 60_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @RegisterExtension
    static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension();

    @TempDir
    Path tmp;

    private final EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());

    private static Path path(String property) {
        Path p = Path.of(System.getProperty(property));
        assertThat(p).as(property).exists();
        return p;
    }

    /** What the script reported: the job it started and the savepoint it took, if any. */
    private record ScriptResult(String job, String savepoint) {}

    /** Runs deploy/standalone/bin/eventpipe-job, then waits until the job it started runs. */
    private ScriptResult script(String mainClass, String... args) throws Exception {
        String out = scriptOutput(mainClass, args);
        List<String> lines = out.strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertThat(last).as(out).startsWith("job ");
        String savepoint = lines.stream()
                .filter(l -> l.startsWith("savepoint "))
                .map(l -> l.substring(10))
                .reduce((a, b) -> b)
                .orElse(null);
        String job = last.substring(4);
        FLINK.cluster().awaitRunning(job);
        return new ScriptResult(job, savepoint);
    }

    /** Runs deploy/standalone/bin/eventpipe-job and returns what it printed; it must succeed. */
    private String scriptOutput(String mainClass, String... args) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of("bash", path("eventpipe.job.script").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FLINK", FLINK.cluster().flinkCommand().toString());
        if (mainClass != null) {
            pb.environment().put("MAIN_CLASS", mainClass);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static final String DEDUP_ENTRY = "io.eventpipe.ingest.functions.DedupEntry";
    private static final String WINDOW_ACC = "io.eventpipe.aggregate.functions.WindowAcc";

    /**
     * Reads the state type recorded in a savepoint: written by the next release, it is the next release's class
     * exactly (with the field it added); written by the released version, the next release's class needs a
     * migration from it.
     */
    private static void assertStateType(String savepoint, String stateName, String className, boolean byNextRelease)
            throws Exception {
        assertThat(savepoint).as("savepoint of %s", stateName).isNotNull();
        try (SavepointTypes types = new SavepointTypes(path("eventpipe.next.jar"))) {
            Class<?> nextType = types.jobClass(className);
            assertThat(Arrays.stream(nextType.getFields()).map(java.lang.reflect.Field::getName))
                    .as("the fixture's %s adds a field", className)
                    .containsAnyOf("firstSeenBy", "revision");
            List<TypeSerializerSchemaCompatibility<?>> found =
                    types.compatibility(URI.create(savepoint), stateName, nextType);
            assertThat(found).as("%s in %s", stateName, savepoint).isNotEmpty();
            for (TypeSerializerSchemaCompatibility<?> c : found) {
                if (byNextRelease) {
                    assertThat(c.isCompatibleAsIs())
                            .as("%s in %s: %s", stateName, savepoint, c)
                            .isTrue();
                } else {
                    assertThat(c.isCompatibleAfterMigration())
                            .as("%s in %s: %s", stateName, savepoint, c)
                            .isTrue();
                }
            }
        }
    }

    private List<GeneratedRecord> batch(EventGenerator gen, long from, int n) {
        List<GeneratedRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(gen.next(from + i * 100L));
        }
        return out;
    }

    private void produce(String topic, List<GeneratedRecord> records) {
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            records.forEach(r -> p.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value())));
        }
    }

    private List<String> cleanIds(String topic) {
        return KAFKA.readCommitted(topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    /** Waits until the clean topic holds {@code expected} ids, then asserts it holds exactly those, once each. */
    private void assertClean(String topic, String job, List<String> expected) throws Exception {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> cleanIds(topic).size() >= expected.size());
        FLINK.cluster().awaitCheckpoints(job, 2);
        assertThat(cleanIds(topic)).hasSameSizeAs(expected).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void stateSurvivesUpgradesThatChangeStateTypesAndParallelism() throws Exception {
        String url = PG.createDatabase("upgrade");
        KAFKA.createTopics(PARTITIONS, "up.events", "up.clean", "up.dlq", "up.stats", "up.late", "up.agg-dlq");
        String common = "kafka:\n  bootstrap-servers: " + KAFKA.bootstrapServers() + "\n"
                + "checkpoint:\n  interval: 1s\n  timeout: 1min\n"
                + "restart:\n  attempts: 30\n  delay: 1s\n"
                + "sink:\n  transaction-timeout: 5min\n";
        Path ingestConfig = tmp.resolve("ingest.yaml");
        Files.writeString(
                ingestConfig,
                common + "job:\n  name: up-ingest\n"
                        + "topics:\n  input: up.events\n  clean: up.clean\n  dlq: up.dlq\n"
                        + "lake:\n  enabled: false\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve("ingest-dead-letters").toUri() + "\n");
        Path aggregateConfig = tmp.resolve("aggregate.yaml");
        Files.writeString(
                aggregateConfig,
                common + "job:\n  name: up-aggregate\n"
                        + "topics:\n  clean: up.clean\n  results: up.stats\n  late: up.late\n  dlq: up.agg-dlq\n"
                        + "source:\n  max-out-of-orderness: 10min\n  idleness: 1s\n"
                        + "window:\n  size: 1min\n  allowed-lateness: 0s\n"
                        + "postgres:\n  url: " + url + "\n  user: " + PG.user() + "\n  batch-interval: 200ms\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve("aggregate-dead-letters").toUri() + "\n");
        Path released = path("eventpipe.ingest.jar");
        Path releasedAggregate = path("eventpipe.aggregate.jar");
        Path next = path("eventpipe.next.jar");
        String ingestMain = "io.eventpipe.ingest.IngestJob";
        String aggregateMain = "io.eventpipe.aggregate.AggregateJob";

        long t0 = (System.currentTimeMillis() / MIN - 60) * MIN;
        EventGenerator gen = new EventGenerator(new EventGenerator.Settings(
                EventFormat.AVRO, 0, 1, EnumSet.noneOf(io.eventpipe.common.deadletter.Reason.class), 0, 3));
        List<GeneratedRecord> a = batch(gen, t0 + 2_000, 300);
        List<GeneratedRecord> b = batch(gen, t0 + 32_000, 300);
        List<GeneratedRecord> c = batch(gen, t0 + 62_000, 300);
        List<String> expected = new ArrayList<>();

        // the released version at parallelism 1
        String ingest = script(null, "submit", released.toString(), ingestConfig.toString(), "1")
                .job();
        String aggregate = script(null, "submit", releasedAggregate.toString(), aggregateConfig.toString(), "1")
                .job();
        produce("up.events", a);
        a.forEach(r -> expected.add(r.id()));
        assertClean("up.clean", ingest, expected);

        // upgrade to the next release at parallelism 2; everything of batch a comes again
        ScriptResult upgraded = script(ingestMain, "upgrade", ingest, next.toString(), ingestConfig.toString(), "2");
        String beforeUpgrade = upgraded.savepoint();
        assertThat(beforeUpgrade).isNotNull();
        ingest = upgraded.job();
        ScriptResult aggregateUpgraded =
                script(aggregateMain, "upgrade", aggregate, next.toString(), aggregateConfig.toString(), "2");
        aggregate = aggregateUpgraded.job();
        List<GeneratedRecord> second = new ArrayList<>(b);
        second.addAll(a);
        produce("up.events", second);
        b.forEach(r -> expected.add(r.id()));
        assertClean("up.clean", ingest, expected);

        // rescale back to 1; batches a and b come again
        ScriptResult ingestRescaled =
                script(ingestMain, "rescale", ingest, next.toString(), ingestConfig.toString(), "1");
        ingest = ingestRescaled.job();
        ScriptResult aggregateRescaled =
                script(aggregateMain, "rescale", aggregate, next.toString(), aggregateConfig.toString(), "1");
        aggregate = aggregateRescaled.job();
        // the savepoints taken for the rescale were written by the next release with its state types, those taken
        // for the upgrade by the released version with the old ones
        assertStateType(ingestRescaled.savepoint(), DedupFunction.STATE_NAME, DEDUP_ENTRY, true);
        assertStateType(beforeUpgrade, DedupFunction.STATE_NAME, DEDUP_ENTRY, false);
        assertStateType(aggregateRescaled.savepoint(), WindowAggregator.WINDOWS_STATE, WINDOW_ACC, true);
        assertStateType(aggregateUpgraded.savepoint(), WindowAggregator.WINDOWS_STATE, WINDOW_ACC, false);
        List<GeneratedRecord> third = new ArrayList<>(c);
        third.addAll(a);
        third.addAll(b);
        produce("up.events", third);
        c.forEach(r -> expected.add(r.id()));
        assertClean("up.clean", ingest, expected);

        // windows opened before the first upgrade close now, with every event of a, b and c counted once
        List<GeneratedRecord> abc = new ArrayList<>(a);
        abc.addAll(b);
        abc.addAll(c);
        Map<String, Long> expectedWindows = WindowRows.expected(abc);
        assertThat(WindowRows.read(url, PG.user())).isEmpty();
        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            WindowRows.tick(p, "up.clean", PARTITIONS, t0 + 20 * MIN);
        }
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(WindowRows.read(url, PG.user())).isEqualTo(expectedWindows));
        // a savepoint of a running job, with the script
        String out = scriptOutput(null, "savepoint", aggregate);
        String taken = out.strip().lines().reduce((x, y) -> y).orElseThrow();
        assertThat(taken).as(out).startsWith("savepoint file:");
        assertThat(Path.of(java.net.URI.create(taken.substring("savepoint ".length())))
                        .resolve("_metadata"))
                .exists();
        FLINK.cluster().cli("cancel", aggregate);

        // roll back (docs/operations.md): the released jar from the savepoint taken before the upgrade. It reads
        // again what came after that savepoint; its dedup state still drops batch a, so b and c come out again.
        FLINK.cluster().cli("cancel", ingest);
        int before = cleanIds("up.clean").size();
        ingest = script(null, "resume", released.toString(), ingestConfig.toString(), beforeUpgrade, "1")
                .job();
        List<String> again = new ArrayList<>();
        b.forEach(r -> again.add(r.id()));
        c.forEach(r -> again.add(r.id()));
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> cleanIds("up.clean").size() >= before + again.size());
        FLINK.cluster().awaitCheckpoints(ingest, 2);
        List<String> all = cleanIds("up.clean");
        assertThat(all).hasSize(before + again.size());
        List<String> afterRollback = new ArrayList<>(all);
        expected.forEach(afterRollback::remove); // one of each id from before the rollback
        afterRollback.removeIf(id -> id.startsWith("tick-")); // written straight to the clean topic above
        assertThat(afterRollback).containsExactlyInAnyOrderElementsOf(again);
        FLINK.cluster().cli("cancel", ingest);
    }
}
