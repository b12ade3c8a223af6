package io.eventpipe.testkit;

import io.eventpipe.localkit.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka broker in this JVM on a free port, for one test class:
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, CommittedReader {
    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    public void start() throws Exception {
        broker = EmbeddedKafka.start();
    }

    public void stop() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        return p;
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** A topic with topic-level configs, e.g. {@code max.message.bytes}. */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    public void createTopics(int partitions, String... names) throws Exception {
        for (String n : names) {
            createTopic(n, partitions);
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = clientProperties();
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A producer for records of up to 4 MB (the topic must allow them too). */
    public KafkaProducer<byte[], byte[]> largeRecordProducer() {
        Properties p = clientProperties();
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        p.setProperty("max.request.size", "4000000");
        p.setProperty("buffer.memory", "67108864");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public void produce(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            records.forEach(r -> producer.send(r));
            producer.flush();
        }
    }

    /**
     * Every committed record now in the topic, read with read_committed from the beginning up to the last stable
     * offset of each partition.
     */
    @Override
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return readCommitted(bootstrapServers(), topic);
    }

    /** {@link #readCommitted(String)} against any plaintext broker. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        return readCommitted(p, topic);
    }

    /** {@link #readCommitted(String)} with the given client settings (bootstrap servers, security). */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(Properties clientConfig, String topic) {
        return readToEnd(clientConfig, topic, "read_committed");
    }

    /**
     * Every record now in the topic, committed or not (also those of open transactions), read with
     * read_uncommitted from the beginning up to the high watermark of each partition.
     */
    public List<ConsumerRecord<byte[], byte[]>> readUncommitted(String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        return readToEnd(p, topic, "read_uncommitted");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readToEnd(
            Properties clientConfig, String topic, String isolationLevel) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.setProperty("isolation.level", isolationLevel);
        p.setProperty("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .collect(Collectors.toSet());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            // endOffsets is the last stable offset with read_committed (everything before it is decided), the high
            // watermark with read_uncommitted
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
