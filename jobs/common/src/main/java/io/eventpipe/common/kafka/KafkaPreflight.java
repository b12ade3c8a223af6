package io.eventpipe.common.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up checks against the real cluster, so that a misconfigured job fails at once with a clear message
 * instead of restart-looping later: the brokers answer, each topic exists, and the job's principal holds the
 * operations it needs on it.
 */
public final class KafkaPreflight {
    private KafkaPreflight() {}

    /** What a job does with a topic, and the config key that names it. */
    public record TopicUse(String configKey, String topic, AclOperation operation) {}

    /** Throws {@link PreflightException} listing every problem found. */
    public static void check(KafkaConnection kafka, List<TopicUse> uses) {
        long timeoutMs = kafka.requestTimeout().toMillis();
        var props = kafka.clientConfig();
        props.setProperty("request.timeout.ms", Long.toString(timeoutMs));
        props.setProperty("default.api.timeout.ms", Long.toString(timeoutMs));
        List<String> problems = new ArrayList<>();
        try (Admin admin = Admin.create(props)) {
            try {
                admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new PreflightException("Kafka brokers at " + kafka.bootstrapServers()
                        + " (kafka.bootstrap-servers) did not answer within " + kafka.requestTimeout());
            } catch (ExecutionException e) {
                throw new PreflightException("cannot connect to Kafka at " + kafka.bootstrapServers()
                        + " (kafka.bootstrap-servers): " + e.getCause().getMessage());
            }
            Map<String, TopicUse> byTopic = new LinkedHashMap<>();
            uses.forEach(u -> byTopic.putIfAbsent(u.topic(), u));
            var described = admin.describeTopics(byTopic.keySet(),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            for (TopicUse use : uses) {
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
                    problems.add("the job's principal lacks " + use.operation() + " on topic '" + use.topic()
                            + "' (" + use.configKey() + "); it has " + ops);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PreflightException("interrupted while checking Kafka");
        }
        if (!problems.isEmpty()) {
            throw new PreflightException("Kafka start-up checks failed:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** A start-up check failed; the message says which and what to do. */
    public static final class PreflightException extends RuntimeException {
        public PreflightException(String message) {
            super(message);
        }
    }
}
