package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.KafkaBrokerExtension;
import io.eventpipe.testkit.PostgresExtension;
import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import io.eventpipe.testkit.cluster.StandaloneClusterExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both shaded job jars on a real standalone Flink cluster (separate JobManager and TaskManager processes), submitted
 * with the real CLI, against a real Kafka broker and PostgreSQL: outputs are exact, also after {@code kill -9} of
 * the TaskManager mid-stream.
 */
class ClusterIT {
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

    /** Job configs as a user writes them: one YAML file per job. */
    private Path[] writeConfigs(String name) throws Exception {
        String common = "kafka:\n  bootstrap-servers: " + KAFKA.bootstrapServers() + "\n"
                + "checkpoint:\n  interval: 1s\n  timeout: 1min\n"
                + "restart:\n  attempts: 30\n  delay: 1s\n"
                + "sink:\n  transaction-timeout: 5min\n";
        Path ingest = tmp.resolve("ingest.yaml");
        Files.writeString(
                ingest,
                common
                        + "job:\n  name: " + name + "-ingest\n  parallelism: 2\n"
                        + "topics:\n  input: " + name + ".events\n  clean: " + name + ".clean\n  dlq: " + name
                        + ".dlq\n"
                        + "validation:\n  max-record-bytes: 4kb\n"
                        + "lake:\n  path: " + tmp.resolve("lake").toUri() + "\n");
        Path aggregate = tmp.resolve("aggregate.yaml");
        Files.writeString(
                aggregate,
                common
                        + "job:\n  name: " + name + "-aggregate\n  parallelism: 2\n"
                        + "topics:\n  clean: " + name + ".clean\n  results: " + name + ".stats\n  late: " + name
                        + ".late\n  dlq: " + name + ".agg-dlq\n"
                        // the ingest job's two writers commit side by side: a generous bound keeps every event on time
                        + "source:\n  max-out-of-orderness: 10min\n  idleness: 1s\n"
                        + "window:\n  size: 1min\n  allowed-lateness: 0s\n"
                        + "postgres:\n  url: " + PG.createDatabase(name) + "\n  user: " + PG.user() + "\n"
                        + "  batch-interval: 200ms\n"
                        + "sink.dlq.archive-path: "
                        + tmp.resolve("aggregate-dead-letters").toUri() + "\n");
        KAFKA.createTopics(
                PARTITIONS,
                name + ".events",
                name + ".clean",
                name + ".dlq",
                name + ".stats",
                name + ".late",
                name + ".agg-dlq");
        return new Path[] {ingest, aggregate};
    }

    /** 20k records spread over three minutes of event time starting an hour ago (S3LakeIT feeds the same). */
    static List<GeneratedRecord> generate(long t0, long seed) {
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0.10, 0.01, EventGenerator.BAD_KINDS, 5000, seed));
        List<GeneratedRecord> out = new ArrayList<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            out.add(gen.next(t0 + 2_000 + (3 * MIN - 4_000) * i / n));
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, GeneratedRecord r) {
        return new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value());
    }

    private void scenario(String name, boolean killTaskManager) throws Exception {
        Path[] configs = writeConfigs(name);
        String ingestJob =
                FLINK.cluster().submit(FlinkStandaloneCluster.jobJar("ingest"), "--config", configs[0].toString());
        String aggregateJob =
                FLINK.cluster().submit(FlinkStandaloneCluster.jobJar("aggregate"), "--config", configs[1].toString());
        FLINK.cluster().awaitRunning(ingestJob);
        FLINK.cluster().awaitRunning(aggregateJob);

        long t0 = (System.currentTimeMillis() / MIN - 60) * MIN;
        List<GeneratedRecord> records = generate(t0, name.hashCode());
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Thread producer = new Thread(
                () -> {
                    try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
                        for (int i = 0; i < records.size(); i++) {
                            p.send(record(name + ".events", records.get(i)));
                            if (i % 500 == 499) {
                                p.flush();
                                TimeUnit.MILLISECONDS.sleep(killTaskManager ? 100 : 0);
                            }
                        }
                    } catch (Throwable t) {
                        producerError.set(t);
                    }
                },
                "test-producer");
        producer.start();
        if (killTaskManager) {
            FLINK.cluster().awaitCheckpoints(ingestJob, 2);
            FLINK.cluster().killTaskManager();
            FLINK.cluster().startTaskManager();
        }
        producer.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(producerError.get()).isNull();

        IngestExpectations expected = IngestExpectations.of(records);
        Path lake = tmp.resolve("lake");
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> expected.reached(KAFKA, name + ".clean", name + ".dlq", lake));
        FLINK.cluster().awaitRunning(ingestJob);
        FLINK.cluster().awaitCheckpoints(ingestJob, 2);
        expected.assertExact(KAFKA, name + ".events", name + ".clean", name + ".dlq", lake);

        try (KafkaProducer<byte[], byte[]> p = KAFKA.producer()) {
            WindowRows.tick(p, name + ".clean", PARTITIONS, t0 + 20 * MIN);
        }
        Map<String, Long> expectedWindows = WindowRows.expected(records);
        String url = "jdbc:postgresql://localhost:" + PG.server().port() + "/" + name;
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(WindowRows.read(url, PG.user())).isEqualTo(expectedWindows));
        assertThat(KAFKA.readCommitted(name + ".late")).isEmpty();
        if (killTaskManager) {
            assertThat(FLINK.cluster().get("/jobs/" + ingestJob).path("state").asText())
                    .isEqualTo("RUNNING");
        }
        FLINK.cluster().cli("cancel", ingestJob);
        FLINK.cluster().cli("cancel", aggregateJob);
    }

    @Test
    void jobsSubmittedWithTheCliProduceExactOutputs() throws Exception {
        scenario("cli", false);
    }

    @Test
    void outputsStayExactAfterTheTaskManagerIsKilled() throws Exception {
        scenario("kill", true);
    }

    /**
     * The cluster runs with deploy/'s TLS settings (the tests above went through them: TaskManagers, CLI and REST
     * calls): the REST API redirects plain HTTP and refuses clients without a certificate, and no store password is logged.
     */
    @Test
    void restApiRequiresTlsWithAClientCertificateAndLogsHoldNoSecret() throws Exception {
        URI overview = URI.create("https://localhost:" + FLINK.cluster().restPort() + "/overview");
        HttpClient noCertificate = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .sslContext(trustingOnly())
                .build();
        assertThatThrownBy(() -> noCertificate.send(
                        HttpRequest.newBuilder(overview).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI http = URI.create("http://localhost:" + FLINK.cluster().restPort() + "/overview");
        // Flink answers plain HTTP with a redirect to HTTPS, and nothing else
        HttpResponse<String> redirect = plain.send(
                HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isBetween(300, 399);
        assertThat(redirect.headers().firstValue("location"))
                .hasValueSatisfying(l -> assertThat(l).startsWith("https:"));
        assertThat(redirect.body()).doesNotContain("taskmanagers");
        assertThat(FLINK.cluster().get("/overview").path("taskmanagers").asInt())
                .isGreaterThanOrEqualTo(1);

        String logs = FLINK.cluster().logs();
        assertThat(logs).contains("security.ssl.internal.keystore-password");
        for (String secret : FLINK.cluster().secrets()) {
            assertThat(logs).as("a TLS password leaked into the cluster's logs").doesNotContain(secret);
        }
    }

    /** Trusts any server, presents no certificate: a client without the REST key. */
    private static SSLContext trustingOnly() throws Exception {
        X509TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {all}, null);
        return ctx;
    }
}
