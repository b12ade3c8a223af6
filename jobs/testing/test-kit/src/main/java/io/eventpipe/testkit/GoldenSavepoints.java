package io.eventpipe.testkit;

import io.eventpipe.common.io.Directories;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Golden savepoints: a savepoint of a job taken with a released version lives in the job module's
 * {@code src/test/resources/savepoints/<version>/<job>/}; a test restores every one with the current code. Written by
 * {@code ./eventpipe golden-savepoints <version>}.
 */
public final class GoldenSavepoints {
    private GoldenSavepoints() {}

    /** Where a module keeps its golden savepoints, relative to the module directory. */
    public static final Path SOURCE_DIR = Path.of("src/test/resources/savepoints");

    /** What runs on the cluster that takes a golden savepoint. */
    @FunctionalInterface
    public interface OnCluster {
        void run(MiniCluster cluster) throws Exception;
    }

    /**
     * Runs {@code body} with a started MiniCluster of one TaskManager with two slots as the context of
     * {@code StreamExecutionEnvironment.getExecutionEnvironment}: how the regeneration of golden savepoints runs a
     * job outside JUnit.
     */
    public static void onMiniCluster(OnCluster body) throws Exception {
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build())) {
            cluster.start();
            TestStreamEnvironment.setAsContext(cluster, 2);
            body.run(cluster);
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
    }

    /**
     * A page view with this id and event time: the event of the golden inputs. Keep it unchanged, or the inputs no
     * longer match the released savepoints.
     */
    public static Event pageView(String id, long time) {
        return Event.newBuilder()
                .setId(id)
                .setTime(Instant.ofEpochMilli(time))
                .setType("page.viewed")
                .setSource("web")
                .setPayload("{\"path\":\"/\"}")
                .build();
    }

    /** Creates the topics with 3 partitions each, as the golden savepoints were taken with. */
    public static void createTopics(String bootstrap, String... topics) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(Arrays.stream(topics)
                            .map(t -> new NewTopic(t, 3, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes {@code events} Avro-encoded to {@code topic}, keyed by id and timestamped with their event time, to
     * {@code partition} or, when null, to the partition of the key.
     */
    public static void produce(String bootstrap, String topic, Integer partition, List<Event> events) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("acks", "all");
        EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(
                        topic, partition, e.getTime().toEpochMilli(), EventEncoder.key(e), encoder.encode(e)));
            }
        }
    }

    /** Released versions that have a golden savepoint of {@code job} on the test classpath, oldest first. */
    public static List<Path> savepoints(Class<?> test, String job) throws Exception {
        var root = test.getResource("/savepoints");
        List<Path> out = new ArrayList<>();
        if (root == null) {
            return out;
        }
        try (Stream<Path> versions = Files.list(Path.of(root.toURI()))) {
            for (Path v : versions.sorted().toList()) {
                if (Files.exists(v.resolve(job).resolve("_metadata"))) {
                    out.add(v.resolve(job));
                }
            }
        }
        return out;
    }

    /** Job configuration that restores from {@code savepoint}. */
    public static Configuration restoringFrom(Configuration jobConfig, Path savepoint) {
        Configuration c = new Configuration(jobConfig);
        c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        return c;
    }

    /**
     * Stops the job with a canonical savepoint, without draining (open windows stay open), and copies it to
     * {@code SOURCE_DIR/<version>/<job>}.
     */
    public static Path stopAndKeep(JobClient job, Path scratch, String version, String name) throws Exception {
        String location = job.stopWithSavepoint(false, scratch.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        Path target = SOURCE_DIR.resolve(version).resolve(name);
        Directories.deleteRecursively(target);
        copyRecursively(
                Path.of(URI.create(
                        location.startsWith("file:/") && !location.startsWith("file:///")
                                ? "file://" + location.substring("file:".length())
                                : location)),
                target);
        return target;
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
