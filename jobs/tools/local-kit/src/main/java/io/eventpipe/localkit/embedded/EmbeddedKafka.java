package io.eventpipe.localkit.embedded;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker inside this JVM, on a free loopback port, for the local run and for tests.
 * Its data lives in a temporary directory deleted on {@link #close()}.
 *
 * <p>Needs {@code kafka_2.13} and {@code kafka-test-common-runtime} on the classpath; the job jars do not ship
 * them (they are {@code provided} here), only the local runner and the tests have them.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafka start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("transaction.max.timeout.ms", "900000")
                .setConfigProp("auto.create.topics.enable", "false")
                // keep records whatever their timestamps: tests and golden savepoints use fixed event times
                .setConfigProp("log.retention.ms", "-1")
                // topics accept any timestamp unless they say otherwise (Kafka's default refuses one more than an
                // hour ahead); tests that check the jobs against that default set it on their topics
                .setConfigProp("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
