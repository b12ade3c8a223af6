package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.io.Directories;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The ingest job's lake on S3: the shaded job on a real standalone cluster whose processes load Flink's S3 file system
 * (flink-s3-fs-hadoop) as a plugin, as {@code deploy/kubernetes/Dockerfile} does, writes {@code s3://} to a real
 * S3-compatible server (S3Proxy, requests signed with its keys) through {@code kill -9} of the TaskManager mid-stream.
 * The committed lake objects hold every clean event exactly once and nothing else, and the only multipart uploads
 * left pending are those of the killed TaskManager (Flink does not abort them: a bucket lifecycle rule must).
 */
class S3LakeIT {
    private static final String BUCKET = "eventpipe-lake";
    private static final String LAKE = "lake/";
    private static final String INPUT = "s3.events";
    private static final String CLEAN = "s3.clean";
    private static final String DLQ = "s3.dlq";
    private static final long MIN = 60_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final S3ServerExtension S3 = new S3ServerExtension(BUCKET);

    @RegisterExtension
    static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension(S3::flinkConfig);

    @TempDir
    Path tmp;

    private Path mirror;

    @AfterEach
    void deleteMirror() throws IOException {
        if (mirror != null) {
            Directories.deleteRecursively(mirror);
        }
    }

    @Test
    void lakeObjectsHoldEveryCleanEventOnceAfterTheTaskManagerIsKilled() throws Exception {
        FlinkStandaloneCluster cluster = FLINK.cluster();
        KAFKA.createTopics(3, INPUT, CLEAN, DLQ);
        Path config = tmp.resolve("ingest.yaml");
        // checkpoints stay on the cluster's local disk: the lake is what goes to S3 here
        Files.writeString(
                config,
                "kafka:\n  bootstrap-servers: " + KAFKA.bootstrapServers() + "\n"
                        + "checkpoint:\n  interval: 1s\n  timeout: 1min\n"
                        + "restart:\n  attempts: 30\n  delay: 1s\n"
                        + "sink:\n  transaction-timeout: 5min\n"
                        + "job:\n  name: s3-ingest\n  parallelism: 2\n"
                        + "topics:\n  input: " + INPUT + "\n  clean: " + CLEAN + "\n  dlq: " + DLQ + "\n"
                        + "validation:\n  max-record-bytes: 4kb\n"
                        + "lake:\n  path: s3://" + BUCKET + "/" + LAKE + "\n");
        String job = cluster.submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", config.toString());
        cluster.awaitRunning(job);

        long t0 = (System.currentTimeMillis() / MIN - 60) * MIN;
        List<GeneratedRecord> records = ClusterIT.generate(t0, 10);
        // Before the kill about 1,000 records a second for the first half and 500 for the next quarter (some 20 s), so
        // that the job is writing the lake when the TaskManager is killed; the last quarter comes after the kill
        // whatever the timing. From the kill on, at full speed.
        CountDownLatch killed = new CountDownLatch(1);
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Thread producer = new Thread(
                () -> {
                    try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
                        for (int i = 0; i < records.size(); i++) {
                            if (i == records.size() * 3 / 4 && !killed.await(3, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("the TaskManager was not killed");
                            }
                            GeneratedRecord r = records.get(i);
                            p.send(new ProducerRecord<>(INPUT, null, r.timestamp(), r.key(), r.value()));
                            if (i % 100 == 99) {
                                p.flush();
                                if (killed.getCount() > 0) {
                                    TimeUnit.MILLISECONDS.sleep(i < records.size() / 2 ? 100 : 200);
                                }
                            }
                        }
                    } catch (Throwable t) {
                        producerError.set(t);
                    }
                },
                "test-producer");
        producer.setDaemon(true);
        producer.start();

        // the kill lands while the lake is being written: part files committed to S3 already, more in progress
        // (a part file's multipart upload starts when the file opens)
        cluster.awaitCheckpoints(job, 2);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> S3.objects(LAKE).stream().anyMatch(S3LakeIT::committed)
                        && !S3.pendingUploads().isEmpty());
        String victim = cluster.taskManagerId(0);
        cluster.killTaskManager();
        killed.countDown();
        // once the JobManager has given up on the TaskManager, no request of it is still under way
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> !cluster.get("/taskmanagers")
                        .path("taskmanagers")
                        .findValuesAsText("id")
                        .contains(victim));
        Set<String> pendingAtKill = uploadIds(S3.pendingUploads());
        cluster.startTaskManager();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> restarts(cluster, job) >= 1 && cluster.allTasksRunning(job));
        producer.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(producer.isAlive()).as("producer still running").isFalse();
        assertThat(producerError.get()).isNull();

        IngestExpectations expected = IngestExpectations.of(records);
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> expected.reached(KAFKA, CLEAN, DLQ, mirrorCommitted()));
        cluster.awaitRunning(job);
        cluster.awaitCheckpoints(job, 2);
        Path lake = mirrorCommitted();
        expected.assertExact(KAFKA, INPUT, CLEAN, DLQ, lake);
        expected.assertArchiveExact(lake.resolve("_dead_letters"));
        // nothing else: besides the committed Parquet part files (and archive files), only Flink's objects of part
        // files in progress and empty directory markers
        assertThat(S3.objects(LAKE))
                .allSatisfy(o -> assertThat(o.key() + " (" + o.size() + " bytes)")
                        .matches(
                                "lake/type=[\\w.-]+/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/(part-[\\w-]+\\.parquet|_part-[^/]+_tmp_[^/]+)"
                                        + " \\(\\d+ bytes\\)"
                                        + "|lake/_dead_letters/dt=[\\d-]+/(dead-letters-[\\w-]+\\.jsonl|_dead-letters-[^/]+_tmp_[^/]+)"
                                        + " \\(\\d+ bytes\\)"
                                        + "|lake/([^/]+/)* \\(0 bytes\\)"));

        cluster.cli("cancel", job);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> cluster.jobState(job).equals("CANCELED"));
        // A part file's multipart upload completes at the checkpoint that commits it; Flink does not abort the uploads
        // that a dead TaskManager had started (a bucket lifecycle rule must): only those may still be pending.
        Set<String> pendingAtEnd = uploadIds(S3.pendingUploads());
        assertThat(pendingAtEnd).isSubsetOf(pendingAtKill);
        List<S3Object> objects = S3.objects(LAKE);
        System.out.printf(
                "S3 lake: %d committed objects, %d in-progress objects, %d directory markers; multipart "
                        + "uploads pending after the kill: %d, after the cancel: %d; job restarts: %d%n",
                objects.stream().filter(S3LakeIT::committed).count(),
                objects.stream()
                        .filter(o ->
                                o.key().substring(o.key().lastIndexOf('/') + 1).startsWith("_"))
                        .count(),
                objects.stream().filter(o -> o.key().endsWith("/")).count(),
                pendingAtKill.size(),
                pendingAtEnd.size(),
                restarts(cluster, job));

        String logs = cluster.logs();
        assertThat(logs).contains("s3.secret-key");
        assertThat(logs).as("the S3 secret key leaked into the cluster's logs").doesNotContain(S3.secretKey());
    }

    /**
     * Whether an object is a committed file: not a directory marker, and not named with a leading {@code _} or
     * {@code .} (Flink's objects of a part file in progress, {@code _<part>_tmp_<uuid>}), as a reader of the lake
     * ignores them, and as in a local lake the in-progress files are hidden.
     */
    private static boolean committed(S3Object o) {
        String key = o.key();
        String name = key.substring(key.lastIndexOf('/') + 1);
        return !name.isEmpty() && !name.startsWith("_") && !name.startsWith(".");
    }

    /** A fresh local copy of the committed lake objects (under their keys below {@code lake/}). */
    private Path mirrorCommitted() throws IOException {
        deleteMirror();
        mirror = Files.createTempDirectory(tmp, "lake-");
        for (S3Object o : S3.objects(LAKE)) {
            if (committed(o)) {
                Path file = mirror.resolve(o.key().substring(LAKE.length()));
                Files.createDirectories(file.getParent());
                S3.client().getObject(b -> b.bucket(BUCKET).key(o.key()), ResponseTransformer.toFile(file));
            }
        }
        return mirror;
    }

    private static Set<String> uploadIds(List<MultipartUpload> uploads) {
        return uploads.stream().map(u -> u.key() + " " + u.uploadId()).collect(Collectors.toSet());
    }

    private static long restarts(FlinkStandaloneCluster cluster, String job) throws Exception {
        return cluster.get("/jobs/" + job + "/metrics?get=numRestarts")
                .path(0)
                .path("value")
                .asLong(0);
    }
}
