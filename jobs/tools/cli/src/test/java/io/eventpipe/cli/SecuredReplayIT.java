package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.testkit.SecuredKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eventpipe dlq replay} against a broker with SASL_SSL (SCRAM-SHA-512) and ACLs: with the permissions
 * docs/security.md lists it replays; without the transactional-id permission it fails with the broker's reason.
 * No password reaches the output.
 */
class SecuredReplayIT {
    private static final String USER = "replayer";
    private static final String NO_TX_USER = "replayer-no-tx";

    @TempDir
    static Path tmp;

    private static SecuredKafkaBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = SecuredKafkaBroker.start(tmp.resolve("kafka"), List.of(USER, NO_TX_USER), List.of(), List.of());
        for (String user : List.of(USER, NO_TX_USER)) {
            kafka.createTopics(2, user + ".events", user + ".clean", user + ".dlq");
            kafka.allow(
                    user,
                    ResourceType.TOPIC,
                    user + ".dlq",
                    PatternType.LITERAL,
                    AclOperation.READ,
                    AclOperation.DESCRIBE);
            kafka.allow(
                    user,
                    ResourceType.TOPIC,
                    user + ".events",
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
            writeLetters(user);
        }
        kafka.allow(
                USER,
                ResourceType.TRANSACTIONAL_ID,
                USER + "-",
                PatternType.PREFIXED,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Four dead letters as the ingest job writes them, one cut to fit (its whole record is not needed here). */
    private static void writeLetters(String user) throws Exception {
        DeadLetterSerializer serializer = new DeadLetterSerializer(user + ".dlq");
        try (KafkaProducer<byte[], byte[]> p = kafka.producer()) {
            for (int i = 0; i < 4; i++) {
                RawRecord raw = new RawRecord(
                        ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8),
                        user + ".events",
                        i % 2,
                        100 + i,
                        1_700_000_000_000L + i);
                p.send(serializer.serialize(DeadLetter.of(raw, Reason.PAYLOAD_CONTRACT, "too strict"), null, null))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Path config(String user) throws Exception {
        return CommandRun.yaml(tmp.resolve(user + ".yaml"), securedIngestConfig(kafka, user, tmp));
    }

    /** An ingest job configuration (lake off) that connects as {@code user} over SASL_SSL. */
    static Map<String, String> securedIngestConfig(SecuredKafkaBroker kafka, String user, Path tmp) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(Map.of(
                "job.name",
                user,
                "kafka.bootstrap-servers",
                kafka.saslSslBootstrap(),
                "kafka.request-timeout",
                "20s",
                "topics.input",
                user + ".events",
                "topics.clean",
                user + ".clean",
                "topics.dlq",
                user + ".dlq",
                "lake.enabled",
                "false",
                "sink.dlq.archive-path",
                tmp.resolve("dead-letters").toUri().toString()));
        kafka.jobKafkaProperties(user).forEach((k, v) -> settings.put("kafka.properties." + k, v));
        return settings;
    }

    @Test
    void replaysOverSaslSslWithTheDocumentedAclsAndFailsClearlyWithoutTheTransactionalIdOne() throws Exception {
        CommandRun.Result ok =
                CommandRun.run("dlq", "replay", "--config", config(USER).toString(), "--idle-timeout", "20s");
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("replayed 4 dead letters to replayer.events in 1 transaction(s)");
        List<ConsumerRecord<byte[], byte[]>> replayed = kafka.readCommitted(USER + ".events");
        List<String> seen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : replayed) {
            seen.add(new String(r.key(), StandardCharsets.UTF_8) + "=" + new String(r.value(), StandardCharsets.UTF_8)
                    + "@" + r.timestamp() + " "
                    + new String(
                                    r.headers()
                                            .lastHeader(DeadLetterHeaders.REPLAY_OF)
                                            .value(),
                                    StandardCharsets.UTF_8)
                            .startsWith(USER + ".dlq/"));
        }
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        "k0=v0@1700000000000 true",
                        "k1=v1@1700000000001 true",
                        "k2=v2@1700000000002 true",
                        "k3=v3@1700000000003 true");

        CommandRun.Result denied =
                CommandRun.run("dlq", "replay", "--config", config(NO_TX_USER).toString(), "--idle-timeout", "20s");
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.output()).containsIgnoringCase("Transactional Id authorization failed");
        assertThat(kafka.readCommitted(NO_TX_USER + ".events")).isEmpty();

        for (String output : List.of(ok.output(), denied.output())) {
            for (String secret : kafka.secrets()) {
                assertThat(output).doesNotContain(secret);
            }
        }
    }
}
