package io.eventpipe.cli;

import io.eventpipe.common.kafka.JobTopics;
import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.TopicLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the job's topics with their layout, or checks that existing ones match it. */
public final class Topics {
    /** {@code message.timestamp.after.max.ms} of topics with derived timestamps. */
    public static final String ANY_TIMESTAMP = Long.toString(Long.MAX_VALUE);

    private final KafkaConnection kafka;
    private final TopicLayout layout;

    public Topics(KafkaConnection kafka, TopicLayout layout) {
        this.kafka = kafka;
        this.layout = layout;
    }

    /**
     * An admin client whose calls give up after {@code kafka.request-timeout}, connected: a broker that does not
     * answer is named in one message instead of a minute's wait for Kafka's default timeouts.
     */
    private Admin admin() throws Exception {
        Admin admin = Admin.create(kafka.adminConfig());
        try {
            admin.describeCluster().nodes().get(timeoutMs(), TimeUnit.MILLISECONDS);
            return admin;
        } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
            admin.close(Duration.ZERO);
            throw new IllegalStateException(
                    "Kafka brokers at " + kafka.bootstrapServers() + " (kafka.bootstrap-servers)"
                            + " did not answer within " + kafka.requestTimeout()
                            + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
        }
    }

    private long timeoutMs() {
        return kafka.requestTimeout().toMillis();
    }

    /** Creates each missing topic; returns one line per topic saying what happened. */
    public List<String> create(List<JobTopics.Spec> specs) throws Exception {
        List<String> report = new ArrayList<>();
        try (Admin admin = admin()) {
            for (JobTopics.Spec spec : specs) {
                Map<String, String> configs = new java.util.HashMap<>(Map.of(
                        "min.insync.replicas", Integer.toString(layout.minInsyncReplicas()),
                        "retention.ms", Long.toString(spec.retention().toMillis())));
                if (spec.derivedTimestamps()) {
                    configs.put("message.timestamp.after.max.ms", ANY_TIMESTAMP);
                }
                NewTopic t = new NewTopic(spec.name(), layout.partitions(), (short) layout.replicationFactor())
                        .configs(configs);
                try {
                    admin.createTopics(List.of(t)).all().get(timeoutMs(), TimeUnit.MILLISECONDS);
                    report.add("created " + spec.name() + ": " + layout.partitions() + " partitions, replication "
                            + layout.replicationFactor() + ", min.insync.replicas " + layout.minInsyncReplicas()
                            + ", retention " + org.apache.flink.util.TimeUtils.formatWithHighestUnit(spec.retention()));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + spec.name() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                    report.add("exists  " + spec.name() + " (left as it is; run 'topics check' to compare)");
                }
            }
            awaitVisible(admin, specs);
        }
        return report;
    }

    /** A created topic reaches every broker's metadata a moment later; wait for it, so the next step finds it. */
    private void awaitVisible(Admin admin, List<JobTopics.Spec> specs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs());
        List<String> names = specs.stream().map(JobTopics.Spec::name).toList();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get(timeoutMs(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "created topics are not visible: " + e.getCause().getMessage(), e.getCause());
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /** Problems of existing topics against the layout; empty when all match. */
    public List<String> check(List<JobTopics.Spec> specs) throws Exception {
        List<String> problems = new ArrayList<>();
        try (Admin admin = admin()) {
            for (JobTopics.Spec spec : specs) {
                TopicDescription d;
                try {
                    d = admin.describeTopics(List.of(spec.name()))
                            .topicNameValues()
                            .get(spec.name())
                            .get(timeoutMs(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        problems.add(spec.name() + ": does not exist");
                        continue;
                    }
                    throw new IllegalStateException(
                            "cannot describe " + spec.name() + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
                if (d.partitions().size() < layout.partitions()) {
                    problems.add(spec.name() + ": " + d.partitions().size() + " partitions, expected at least "
                            + layout.partitions());
                }
                int replicas = d.partitions().get(0).replicas().size();
                if (replicas < layout.replicationFactor()) {
                    problems.add(spec.name() + ": replication factor " + replicas + ", expected "
                            + layout.replicationFactor());
                }
                ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
                Config config = admin.describeConfigs(List.of(res))
                        .all()
                        .get(timeoutMs(), TimeUnit.MILLISECONDS)
                        .get(res);
                int minIsr = Integer.parseInt(value(config, "min.insync.replicas"));
                if (minIsr < layout.minInsyncReplicas()) {
                    problems.add(spec.name() + ": min.insync.replicas " + minIsr + ", expected "
                            + layout.minInsyncReplicas());
                }
                long retention = Long.parseLong(value(config, "retention.ms"));
                if (retention >= 0 && retention < spec.retention().toMillis()) {
                    problems.add(spec.name() + ": retention.ms " + retention + ", expected at least "
                            + spec.retention().toMillis());
                }
            }
        }
        return problems;
    }

    private static String value(Config config, String name) {
        ConfigEntry e = config.get(name);
        return e == null || e.value() == null ? "-1" : e.value();
    }
}
