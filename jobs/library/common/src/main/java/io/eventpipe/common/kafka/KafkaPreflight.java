package io.eventpipe.common.kafka;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Start-up checks against the real cluster, so that a misconfigured job fails at once with a clear message
 * instead of restart-looping later: the brokers answer, each topic exists, and the job's principal holds the
 * operations it needs on it.
 */
public final class KafkaPreflight {
    private KafkaPreflight() {}

    /** What a job does with a topic, and the config key that names it. */
    public record TopicUse(String configKey, String topic, AclOperation operation) {}

    /**
     * The uses of the topics a job writes: WRITE on each, and with pooled transactional ids
     * ({@code sink.transaction-naming: pooling}) at exactly-once also READ, because the sinks then describe the
     * topics' producers (DescribeProducers) to find their lingering transactions on recovery, and without it they
     * fail to start, over and over.
     */
    public static List<TopicUse> writes(SinkDelivery delivery, TransactionNaming naming, List<TopicUse> writes) {
        List<TopicUse> uses = new ArrayList<>(writes);
        if (delivery.transactional() && naming == TransactionNaming.POOLING) {
            for (TopicUse w : writes) {
                uses.add(new TopicUse(
                        w.configKey() + ", whose producers sink.transaction-naming: pooling lists",
                        w.topic(),
                        AclOperation.READ));
            }
        }
        return uses;
    }

    /** The consumer group a job reads in (committing offsets needs READ on it), and the key that names it. */
    public record GroupUse(String configKey, String group) {}

    /** A transactional-id prefix an exactly-once sink writes under, and the key that names it. */
    public record TransactionalIdUse(String configKey, String prefix) {}

    /**
     * A topic that must take records of up to {@code recordBytes} key plus value bytes (plus {@code overheadBytes} of
     * headers and framing), because the key {@code limitKey} says so.
     */
    public record RecordSizeUse(
            String configKey, String topic, String limitKey, long recordBytes, long overheadBytes) {}

    /**
     * A topic the job writes with timestamps derived from its input's (event times, window ends), which can lie up to
     * {@code leadMillis} after the input record's timestamp: a broker refuses a record more than the topic's
     * {@code message.timestamp.after.max.ms} ahead of its clock, and a refused record would fail the job again and
     * again, so the output topic must allow at least the input topic's lead plus this much.
     */
    public record TimestampLeadUse(
            String configKey, String topic, String inputTopic, long leadMillis, String leadKey) {}

    /**
     * Throws {@link PreflightException} listing every problem found. Besides the topics, checks the consumer groups
     * and transactional ids as far as the brokers tell without them existing (a denied describe is reported, an
     * unknown group or transactional id is not), and, where the principal may read topic configs, that each topic's
     * {@code max.message.bytes} takes the largest record the job writes there and that topics written with derived
     * timestamps accept every timestamp the job can write there (where it may not, the brokers decide on first use).
     */
    public static void check(KafkaConnection kafka, JobTopics.Preflight plan) {
        long timeoutMs = kafka.requestTimeout().toMillis();
        var props = kafka.adminConfig();
        List<String> problems = new ArrayList<>();
        Admin client;
        try {
            client = Admin.create(props);
        } catch (KafkaException e) {
            // e.g. a key store that cannot be opened; Kafka's messages never include password values
            throw new PreflightException("cannot create a Kafka client from kafka.properties: " + rootMessage(e));
        }
        try (Admin admin = client) {
            try {
                admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw noAnswer(kafka);
            } catch (ExecutionException e) {
                // the client's own timeout (default.api.timeout.ms, the same bound) may come first
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw noAnswer(kafka);
                }
                throw connectFailure(kafka, e.getCause());
            }
            Map<String, TopicUse> byTopic = new LinkedHashMap<>();
            plan.topics().forEach(u -> byTopic.putIfAbsent(u.topic(), u));
            var described = admin.describeTopics(
                            byTopic.keySet(), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .topicNameValues();
            for (TopicUse use : plan.topics()) {
                TopicDescription d;
                try {
                    d = described.get(use.topic()).get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        problems.add("topic '" + use.topic() + "' (" + use.configKey() + ") does not exist;"
                                + " create it, for example with the topics command");
                    } else if (e.getCause() instanceof TopicAuthorizationException) {
                        problems.add("not authorized to describe topic '" + use.topic() + "' (" + use.configKey()
                                + "); the job needs DESCRIBE and " + use.operation());
                    } else {
                        problems.add("cannot describe topic '" + use.topic() + "' (" + use.configKey() + "): "
                                + e.getCause().getMessage());
                    }
                    continue;
                } catch (TimeoutException e) {
                    problems.add("describing topic '" + use.topic() + "' timed out after " + kafka.requestTimeout());
                    continue;
                }
                Set<AclOperation> ops = d.authorizedOperations();
                if (ops != null && !ops.contains(use.operation()) && !ops.contains(AclOperation.ALL)) {
                    problems.add("the job's principal lacks " + use.operation() + " on topic '" + use.topic() + "' ("
                            + use.configKey() + "); it has " + ops);
                }
            }
            for (GroupUse g : plan.groups()) {
                checkGroup(admin, g, timeoutMs, problems);
            }
            for (TransactionalIdUse t : plan.transactionalIds()) {
                checkTransactionalId(admin, t, timeoutMs, problems);
            }
            for (RecordSizeUse size : plan.sizes()) {
                checkRecordSize(admin, size, timeoutMs, problems);
            }
            for (TimestampLeadUse lead : plan.leads()) {
                checkTimestampLead(admin, lead, timeoutMs, problems);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException("interrupted while checking Kafka");
        }
        if (!problems.isEmpty()) {
            throw new PreflightException("Kafka start-up checks failed:\n  - " + String.join("\n  - ", problems));
        }
    }

    private static void checkGroup(Admin admin, GroupUse g, long timeoutMs, List<String> problems)
            throws InterruptedException {
        String need = "; the job needs READ on consumer group '" + g.group() + "'";
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(
                            List.of(g.group()), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                    .describedGroups()
                    .get(g.group())
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            Set<AclOperation> ops = d.authorizedOperations();
            if (ops != null && !ops.isEmpty() && !ops.contains(AclOperation.READ) && !ops.contains(AclOperation.ALL)) {
                problems.add("the job's principal lacks READ on consumer group '" + g.group() + "' (" + g.configKey()
                        + "); it has " + ops);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                problems.add("not authorized for consumer group '" + g.group() + "' (" + g.configKey() + ")" + need);
            }
            // anything else (such as a group that does not exist yet) is for the brokers to decide on first use
        } catch (TimeoutException e) {
            problems.add("describing consumer group '" + g.group() + "' timed out after " + timeoutMs + " ms");
        }
    }

    private static void checkTransactionalId(Admin admin, TransactionalIdUse t, long timeoutMs, List<String> problems)
            throws InterruptedException {
        // Flink names transactions <prefix>-<subtask>-<n>; a prefixed ACL covers all of them, so one probe will do
        String probe = t.prefix() + "-0-1";
        try {
            admin.describeTransactions(List.of(probe)).description(probe).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdAuthorizationException) {
                problems.add("not authorized for transactional ids '" + t.prefix() + "-*' (" + t.configKey()
                        + "); the job needs WRITE and DESCRIBE on the prefixed TransactionalId '" + t.prefix() + "'");
            }
            // TransactionalIdNotFoundException: allowed, and not used yet
        } catch (TimeoutException e) {
            problems.add("describing transactional id '" + probe + "' timed out after " + timeoutMs + " ms");
        }
    }

    private static void checkRecordSize(Admin admin, RecordSizeUse use, long timeoutMs, List<String> problems)
            throws InterruptedException {
        Long max = topicConfig(admin, use.topic(), "max.message.bytes", timeoutMs);
        if (max == null) {
            return;
        }
        if (use.recordBytes() + use.overheadBytes() > max) {
            problems.add("topic '" + use.topic() + "' (" + use.configKey() + ") has max.message.bytes " + max
                    + ", less than " + use.limitKey() + " (" + use.recordBytes() + ") plus " + use.overheadBytes()
                    + " bytes of headers; lower " + use.limitKey() + " to " + (max - use.overheadBytes())
                    + " or raise the topic's max.message.bytes");
        }
    }

    private static void checkTimestampLead(Admin admin, TimestampLeadUse use, long timeoutMs, List<String> problems)
            throws InterruptedException {
        String key = "message.timestamp.after.max.ms";
        Long output = topicConfig(admin, use.topic(), key, timeoutMs);
        Long input = topicConfig(admin, use.inputTopic(), key, timeoutMs);
        if (output == null || input == null) {
            return;
        }
        long needed = input > Long.MAX_VALUE - use.leadMillis() ? Long.MAX_VALUE : input + use.leadMillis();
        if (output < needed) {
            problems.add("topic '" + use.topic() + "' (" + use.configKey() + ") has " + key + " " + output
                    + ", but its records' timestamps can lie up to " + use.leadMillis() + " ms (" + use.leadKey()
                    + ") beyond what topic '" + use.inputTopic() + "' accepts (" + input + "): the brokers would "
                    + "refuse such a record and the job would fail on it again and again. Set the topic's " + key
                    + " to at least " + needed + " (the topics command creates it with " + Long.MAX_VALUE + ")");
        }
    }

    /** A numeric topic config, or null where it cannot be read (no permission, no topic) or is not a number. */
    private static Long topicConfig(Admin admin, String topicName, String name, long timeoutMs)
            throws InterruptedException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topicName);
        Config config;
        try {
            config = admin.describeConfigs(List.of(topic)).values().get(topic).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null; // not permitted to read it, or the topic is missing (reported above)
        }
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null || !entry.value().matches("[0-9]{1,19}")) {
            return null;
        }
        return Long.parseLong(entry.value());
    }

    private static PreflightException noAnswer(KafkaConnection kafka) {
        return new PreflightException("Kafka brokers at " + kafka.bootstrapServers()
                + " (kafka.bootstrap-servers) did not answer within " + kafka.requestTimeout()
                + "; check the address and that kafka.properties.security.protocol matches the listener");
    }

    private static PreflightException connectFailure(KafkaConnection kafka, Throwable cause) {
        String where = "Kafka at " + kafka.bootstrapServers() + " (kafka.bootstrap-servers)";
        if (cause instanceof SaslAuthenticationException) {
            return new PreflightException(where + " rejected the job's credentials: " + cause.getMessage()
                    + ". Check the user name and password in kafka.properties.sasl.jaas.config and"
                    + " kafka.properties.sasl.mechanism");
        }
        if (cause instanceof SslAuthenticationException) {
            return new PreflightException("TLS handshake with " + where + " failed: " + rootMessage(cause)
                    + ". Check that kafka.properties.ssl.truststore.* trusts the brokers' certificate authority and,"
                    + " where the listener requires client certificates, kafka.properties.ssl.keystore.*");
        }
        if (cause instanceof AuthenticationException) {
            return new PreflightException(where + " did not authenticate the job: " + rootMessage(cause)
                    + ". Check kafka.properties.security.protocol and the sasl.* and ssl.* settings");
        }
        return new PreflightException("cannot connect to " + where + ": " + cause.getMessage());
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }

    /** A start-up check failed; the message says which and what to do. */
    public static final class PreflightException extends RuntimeException {
        public PreflightException(String message) {
            super(message);
        }
    }
}
