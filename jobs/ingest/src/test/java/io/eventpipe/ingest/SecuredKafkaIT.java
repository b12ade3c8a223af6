package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eventpipe.common.config.Settings;
import io.eventpipe.common.kafka.KafkaPreflight.PreflightException;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.testkit.Checkpoints;
import io.eventpipe.testkit.IngestExpectations;
import io.eventpipe.testkit.Keytool;
import io.eventpipe.testkit.MiniClusters;
import io.eventpipe.testkit.SecuredKafkaBroker;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job against a real broker in its own JVM with a SASL_SSL listener (SCRAM-SHA-512, PLAIN), an mTLS
 * listener and ACLs: exactly-once with the right credentials, clear start-up failures with wrong ones or a missing
 * permission, and no secret in the logs, the exception messages or Flink's REST API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {
    /**
     * These tests run with pooled transactional ids (the default) and their ACLs; {@code
     * -Dit.transaction-naming=incrementing} runs them with a new id per checkpoint, without READ on the outputs.
     */
    private static final boolean POOLING = !"incrementing".equals(System.getProperty("it.transaction-naming"));

    private static final int PARTITIONS = 2;
    private static final String SCRAM_USER = "ingest";
    private static final String TLS_USER = "ingest-tls";
    private static final String NO_DLQ_USER = "ingest-no-dlq";
    private static final String TOPICS_ONLY_USER = "ingest-topics-only";

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.oneTaskManager();

    @TempDir
    static Path tmp;

    private static SecuredKafkaBroker kafka;
    private static final StringWriter LOGS = new StringWriter();
    private static final List<String> LEAK_CHECKED = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        captureLogs();
        kafka = SecuredKafkaBroker.start(
                tmp.resolve("kafka"), List.of(SCRAM_USER), List.of(NO_DLQ_USER, TOPICS_ONLY_USER), List.of(TLS_USER));
        for (String user : List.of(SCRAM_USER, TLS_USER)) {
            grantIngestAcls(user, true, true);
        }
        grantIngestAcls(NO_DLQ_USER, false, true);
        grantIngestAcls(TOPICS_ONLY_USER, true, false);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
        // what the secret scan saw, for whoever debugs this test
        Files.writeString(Path.of("target/secured-kafka-it.log"), LOGS.toString());
    }

    /**
     * What docs/security.md lists for the ingest job: read the input and commit offsets in its group, write both
     * outputs in transactions under its transactional-id prefixes. Topics, group and prefixes are named after the
     * user.
     */
    private static void grantIngestAcls(String user, boolean writeDlq, boolean groupAndTransactions) throws Exception {
        String prefix = user;
        kafka.createTopics(PARTITIONS, prefix + ".events", prefix + ".clean", prefix + ".dlq");
        kafka.allow(
                user,
                ResourceType.TOPIC,
                prefix + ".events",
                PatternType.LITERAL,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        kafka.allow(
                user,
                ResourceType.TOPIC,
                prefix + ".clean",
                PatternType.LITERAL,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
        kafka.allow(
                user,
                ResourceType.TOPIC,
                prefix + ".dlq",
                PatternType.LITERAL,
                writeDlq
                        ? new AclOperation[] {AclOperation.WRITE, AclOperation.DESCRIBE}
                        : new AclOperation[] {AclOperation.DESCRIBE});
        if (POOLING && writeDlq && groupAndTransactions) {
            // pooled transactional ids: the sinks list their topics' producers (docs/security.md)
            for (String output : List.of(".clean", ".dlq")) {
                kafka.allow(user, ResourceType.TOPIC, prefix + output, PatternType.LITERAL, AclOperation.READ);
            }
        }
        if (groupAndTransactions) {
            kafka.allow(user, ResourceType.GROUP, prefix, PatternType.LITERAL, AclOperation.READ);
            kafka.allow(
                    user,
                    ResourceType.TRANSACTIONAL_ID,
                    prefix + "-",
                    PatternType.PREFIXED,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
        }
    }

    /** Config as an operator writes it; secrets are references that {@code env} resolves. */
    private static IngestConfig config(String prefix, Map<String, String> kafkaSettings, Map<String, String> env) {
        return config(prefix, kafkaSettings, env, POOLING ? "pooling" : "incrementing");
    }

    private static IngestConfig config(
            String prefix, Map<String, String> kafkaSettings, Map<String, String> env, String transactionNaming) {
        Map<String, String> m = IngestRuns.baseConfig(prefix);
        m.putAll(kafkaSettings);
        m.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("restart.attempts", "20");
        m.put("restart.delay", "500ms");
        m.put("kafka.request-timeout", "20s");
        m.put("lake.enabled", "false");
        m.put("sink.dlq.archive-path", "file:///tmp/eventpipe-test/dead-letters");
        m.put("sink.transaction-naming", transactionNaming);
        return IngestConfig.from(Settings.load(m, null, List.of(), env::get));
    }

    /** SCRAM-SHA-512 over SASL_SSL, password and trust-store password from environment variables. */
    private static Map<String, String> scram(String user) {
        return Map.of(
                "kafka.bootstrap-servers", kafka.saslSslBootstrap(),
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.properties.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule" + " required username=\"" + user
                                + "\" password=\"${KAFKA_PASSWORD}\";",
                "kafka.properties.ssl.truststore.type", "PKCS12",
                "kafka.properties.ssl.truststore.location", kafka.truststore().toString(),
                "kafka.properties.ssl.truststore.password", "${TRUSTSTORE_PASSWORD}");
    }

    @Test
    @Order(1)
    void scramOverSaslSslIsExactlyOnceAcrossAFailure(@InjectMiniCluster MiniCluster cluster) throws Exception {
        IngestConfig config = config(
                SCRAM_USER,
                scram(SCRAM_USER),
                Map.of(
                        "KAFKA_PASSWORD", kafka.password(SCRAM_USER),
                        "TRUSTSTORE_PASSWORD", kafka.storePassword()));
        assertThat(config.toString()).doesNotContain(kafka.password(SCRAM_USER));
        IngestJob.startupChecks(config);
        List<GeneratedRecord> records = IngestRuns.generate(5, 3000);
        JobClient job = IngestRuns.start(config);
        try {
            produce(config.inputTopic(), records.subList(0, 1500));
            Checkpoints.await(cluster, job.getJobID(), 1);
            // the TaskManager dies with open transactions; recovery aborts them under the job's ACLs
            cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
            produce(config.inputTopic(), records.subList(1500, records.size()));
            awaitExact(cluster, job.getJobID(), config, IngestExpectations.of(records));
            assertNoSecretInRestApi(cluster, job.getJobID());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void mutualTlsWithKeyStorePasswordsFromFilesIsExactlyOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        // Kafka's DirectoryConfigProvider: one file per secret, as a Kubernetes secret volume mounts them.
        // The clients resolve these where they run; the values never enter the job graph.
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("keystore-password"), kafka.storePassword());
        Files.writeString(secrets.resolve("truststore-password"), kafka.storePassword());
        String dir = "${dir:" + secrets + ":";
        Map<String, String> tls = Map.of(
                "kafka.bootstrap-servers",
                kafka.sslBootstrap(),
                "kafka.properties.security.protocol",
                "SSL",
                "kafka.properties.config.providers",
                "dir",
                "kafka.properties.config.providers.dir.class",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "kafka.properties.ssl.keystore.type",
                "PKCS12",
                "kafka.properties.ssl.keystore.location",
                kafka.keystore(TLS_USER).toString(),
                "kafka.properties.ssl.keystore.password",
                dir + "keystore-password}",
                "kafka.properties.ssl.truststore.type",
                "PKCS12",
                "kafka.properties.ssl.truststore.location",
                kafka.truststore().toString(),
                "kafka.properties.ssl.truststore.password",
                dir + "truststore-password}");
        IngestConfig config = config(TLS_USER, tls, Map.of());
        IngestJob.startupChecks(config);
        List<GeneratedRecord> records = IngestRuns.generate(6, 1500);
        produce(config.inputTopic(), records);
        JobClient job = IngestRuns.start(config);
        try {
            awaitExact(cluster, job.getJobID(), config, IngestExpectations.of(records));
            assertNoSecretInRestApi(cluster, job.getJobID());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(3)
    void aWrongPasswordStopsStartUpNamingTheSetting() {
        String wrong = "wrong-" + kafka.password(SCRAM_USER);
        LEAK_CHECKED.add(wrong);
        IngestConfig config = config(
                SCRAM_USER,
                scram(SCRAM_USER),
                Map.of("KAFKA_PASSWORD", wrong, "TRUSTSTORE_PASSWORD", kafka.storePassword()));
        assertThatThrownBy(() -> IngestJob.startupChecks(config))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("rejected the job's credentials")
                .hasMessageContaining("kafka.properties.sasl.jaas.config")
                .satisfies(e -> assertNoSecret(e.getMessage()));
    }

    @Test
    @Order(4)
    void aWrongTrustStoreFailsTheTlsHandshakeClearly() throws Exception {
        // a trust store with some other CA: the broker's certificate is not trusted
        Path other = tmp.resolve("other-truststore.p12");
        Keytool.selfSigned(other, "other", "CN=other", null, kafka.storePassword());
        Map<String, String> settings = new HashMap<>(scram(SCRAM_USER));
        settings.put("kafka.properties.ssl.truststore.location", other.toString());
        IngestConfig config = config(
                SCRAM_USER,
                settings,
                Map.of("KAFKA_PASSWORD", kafka.password(SCRAM_USER), "TRUSTSTORE_PASSWORD", kafka.storePassword()));
        assertThatThrownBy(() -> IngestJob.startupChecks(config))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("TLS handshake")
                .hasMessageContaining("kafka.properties.ssl.truststore")
                .satisfies(e -> assertNoSecret(e.getMessage()));
    }

    /** SASL PLAIN over SASL_SSL. */
    private static IngestConfig plain(String user) {
        return plain(user, POOLING ? "pooling" : "incrementing");
    }

    private static IngestConfig plain(String user, String transactionNaming) {
        Map<String, String> plain = new HashMap<>(scram(user));
        plain.put("kafka.properties.sasl.mechanism", "PLAIN");
        plain.put(
                "kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule" + " required username=\"" + user
                        + "\" password=\"${KAFKA_PASSWORD}\";");
        return config(
                user,
                plain,
                Map.of("KAFKA_PASSWORD", kafka.password(user), "TRUSTSTORE_PASSWORD", kafka.storePassword()),
                transactionNaming);
    }

    @Test
    @Order(5)
    void aPrincipalWithoutWriteOnTheDeadLetterTopicFailsStartUpClearly() {
        assertThatThrownBy(() -> IngestJob.startupChecks(plain(NO_DLQ_USER)))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("lacks WRITE on topic '" + NO_DLQ_USER + ".dlq' (topics.dlq)")
                .hasMessageNotContaining("(topics.clean)")
                .hasMessageNotContaining("(topics.input)")
                .hasMessageNotContaining("group")
                .hasMessageNotContaining("transactional")
                .satisfies(e -> assertNoSecret(e.getMessage()));
    }

    /**
     * With pooled transactional ids the sinks describe their topics' producers on recovery, which needs READ on
     * them: without it the job would fail at every start, so start-up refuses it naming the topics and the key.
     */
    @Test
    @Order(6)
    void pooledTransactionalIdsWithoutReadOnTheOutputsFailStartUpClearly() {
        String user = TOPICS_ONLY_USER;
        assertThatThrownBy(() -> IngestJob.startupChecks(plain(user, "pooling")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("lacks READ on topic '" + user + ".clean' (topics.clean, whose producers "
                        + "sink.transaction-naming: pooling lists)")
                .hasMessageContaining("lacks READ on topic '" + user + ".dlq' (topics.dlq, whose producers "
                        + "sink.transaction-naming: pooling lists)");
        assertThatThrownBy(() -> IngestJob.startupChecks(plain(user, "incrementing")))
                .isInstanceOf(PreflightException.class)
                .hasMessageNotContaining("lacks READ");
    }

    @Test
    @Order(6)
    void aPrincipalWithoutGroupAndTransactionalIdAclsFailsStartUpClearly() {
        String user = TOPICS_ONLY_USER;
        // incrementing names: pooled ones would also need READ on the outputs, which this user lacks (above)
        assertThatThrownBy(() -> IngestJob.startupChecks(plain(user, "incrementing")))
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("consumer group '" + user + "' (source.group-id)")
                .hasMessageContaining("'" + user + "-clean-*' (sink.clean.transactional-id-prefix)")
                .hasMessageContaining("'" + user + "-dlq-*' (sink.dlq.transactional-id-prefix)")
                .hasMessageNotContaining("topic '");
    }

    @Test
    @Order(7)
    void theLogsHoldNoSecret() {
        String logs = LOGS.toString();
        // the clients did log their configuration (with the secrets hidden), so the check below had something to see
        assertThat(logs)
                .contains("ProducerConfig values")
                .contains("sasl.jaas.config = [hidden]")
                .contains("ssl.keystore.password = [hidden]");
        assertNoSecret(logs);
    }

    private static void assertNoSecret(String text) {
        for (String secret : kafka.secrets()) {
            assertThat(text).as("a secret leaked").doesNotContain(secret);
        }
        for (String secret : LEAK_CHECKED) {
            assertThat(text).as("a secret leaked").doesNotContain(secret);
        }
    }

    /** The job's configuration and plan as the web UI shows them: no global job parameters, no secret. */
    private static void assertNoSecretInRestApi(MiniCluster cluster, JobID job) throws Exception {
        URI rest = cluster.getRestAddress().get(10, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/jobs/" + job + "/config", "/jobs/" + job + "/plan", "/jobmanager/config")) {
            HttpResponse<String> r =
                    http.send(HttpRequest.newBuilder(rest.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertNoSecret(r.body());
            if (path.endsWith("/config") && path.startsWith("/jobs/")) {
                assertThat(r.body()).contains("\"user-config\":{}");
            }
        }
    }

    private static void awaitExact(MiniCluster cluster, JobID job, IngestConfig config, IngestExpectations expected)
            throws Exception {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> expected.reached(kafka, config.cleanTopic(), config.dlqTopic(), null));
        Checkpoints.await(cluster, job, 2);
        expected.assertExact(kafka, config.inputTopic(), config.cleanTopic(), config.dlqTopic(), null);
    }

    private static void produce(String topic, List<GeneratedRecord> records) {
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            records.forEach(r -> p.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value())));
            p.flush();
        }
    }

    /**
     * Everything logged at INFO and above while this class runs (Flink, Kafka clients, eventpipe) goes to
     * {@link #LOGS}; the console keeps showing warnings only.
     */
    private static void captureLogs() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        Appender capture = WriterAppender.newBuilder()
                .setName("secret-scan")
                .setTarget(LOGS)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%p %c - %m%n%throwable")
                        .build())
                .build();
        capture.start();
        cfg.addAppender(capture);
        LoggerConfig root = cfg.getRootLogger();
        for (Map.Entry<String, Appender> a : root.getAppenders().entrySet()) {
            root.removeAppender(a.getKey());
            root.addAppender(a.getValue(), Level.WARN, null);
        }
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        for (LoggerConfig named : cfg.getLoggers().values()) {
            if (named != root) {
                named.setLevel(Level.INFO);
            }
        }
        ctx.updateLoggers();
    }
}
