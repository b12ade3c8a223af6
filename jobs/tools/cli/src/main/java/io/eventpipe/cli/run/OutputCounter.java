package io.eventpipe.cli.run;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Counts committed records in the clean and dead-letter topics, as a read_committed consumer sees them. */
final class OutputCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String cleanTopic;
    private final AtomicLong clean = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final Map<String, AtomicLong> byReason = new ConcurrentHashMap<>();
    private final Thread thread;

    OutputCounter(String bootstrapServers, String cleanTopic, String dlqTopic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.cleanTopic = cleanTopic;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(cleanTopic, dlqTopic)) {
            consumer.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::loop, "eventpipe-output-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(cleanTopic)) {
                        clean.incrementAndGet();
                    } else {
                        deadLettered.incrementAndGet();
                        var h = r.headers().lastHeader(DeadLetterHeaders.REASON);
                        String reason = h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
                        byReason.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    long clean() {
        return clean.get();
    }

    long deadLettered() {
        return deadLettered.get();
    }

    Map<String, AtomicLong> deadLetteredByReason() {
        return byReason;
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
