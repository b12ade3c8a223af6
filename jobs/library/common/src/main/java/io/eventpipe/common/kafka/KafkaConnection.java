package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Secrets;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How to reach the Kafka cluster: bootstrap servers plus client properties that pass through to every consumer,
 * producer and admin client (security settings, tuning). {@link #toString()} masks secrets.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param clientProperties properties given under {@code kafka.properties}
 * @param requestTimeout how long start-up checks wait for the brokers
 * @param transactionMaxTimeout the brokers' {@code transaction.max.timeout.ms}
 */
public record KafkaConnection(
        String bootstrapServers,
        Map<String, String> clientProperties,
        Duration requestTimeout,
        Duration transactionMaxTimeout)
        implements Serializable {

    /**
     * Properties the jobs set themselves; giving them under {@code kafka.properties} would silently break a
     * guarantee, so configuration rejects them and says where they belong.
     */
    public static final Map<String, String> MANAGED = Map.ofEntries(
            Map.entry("bootstrap.servers", "set kafka.bootstrap-servers"),
            Map.entry("isolation.level", "jobs always read with read_committed"),
            Map.entry("transactional.id", "set the sink's transactional-id-prefix"),
            Map.entry("enable.auto.commit", "offsets are committed on checkpoints"),
            Map.entry("group.id", "set source.group-id"),
            Map.entry("auto.offset.reset", "set source.starting-offsets"),
            Map.entry("transaction.timeout.ms", "set sink.transaction-timeout"),
            Map.entry("enable.idempotence", "exactly-once sinks need it on"),
            Map.entry("key.serializer", "the jobs serialize records themselves"),
            Map.entry("value.serializer", "the jobs serialize records themselves"),
            Map.entry("key.deserializer", "the jobs deserialize records themselves"),
            Map.entry("value.deserializer", "the jobs deserialize records themselves"));

    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** The pass-through properties plus bootstrap servers, for any client. */
    public Properties clientConfig() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }

    /**
     * Settings for the tools' and start-up checks' admin clients: every call gives up after {@code
     * kafka.request-timeout}, so that a broker that does not answer is named at once instead of after Kafka's
     * default timeouts of a minute and more.
     */
    public Properties adminConfig() {
        Properties p = clientConfig();
        String timeoutMs = Long.toString(requestTimeout.toMillis());
        p.setProperty("request.timeout.ms", timeoutMs);
        p.setProperty("default.api.timeout.ms", timeoutMs);
        return p;
    }

    /**
     * Producer settings for sinks: batching and compression unless overridden. Batches of up to 256 KiB (the client
     * default is 16 KiB): each batch costs a compressor with its own buffers, which the profile showed at several
     * percent of the ingest job. Snappy rather than lz4: the Kafka client's lz4 runs as Java code, snappy's as native
     * code, which took the ingest job's sink a fifth less CPU per event for a topic 2% larger.
     */
    public Properties producerConfig() {
        Properties p = clientConfig();
        p.putIfAbsent("linger.ms", "20");
        p.putIfAbsent("batch.size", "262144");
        p.putIfAbsent("compression.type", "snappy");
        return p;
    }

    /** Producer settings for transactional sinks. */
    public Properties producerConfig(Duration transactionTimeout) {
        Properties p = producerConfig();
        p.setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
        return p;
    }

    /** The producer's {@code max.request.size}: the largest record a sink can write. */
    public long maxRequestSize() {
        return Long.parseLong(clientProperties.getOrDefault("max.request.size", "1048576"));
    }

    @Override
    public String toString() {
        return "KafkaConnection{bootstrapServers=" + bootstrapServers + ", clientProperties="
                + Secrets.masked(new TreeMap<>(clientProperties)) + "}";
    }
}
