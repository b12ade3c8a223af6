package io.eventpipe.cli.run;

import io.eventpipe.cli.Main;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The local run's traffic: generated records sent at a fixed rate from their own thread. */
final class Traffic implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final EventGenerator events;
    private final int rate;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param rate       records per second
     * @param duplicates share of events sent twice
     * @param bad        share of bad records of each kind
     */
    Traffic(String bootstrap, String topic, EventFormat format, int rate, double duplicates, double bad) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "10");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.rate = rate;
        this.events = new EventGenerator(new EventGenerator.Settings(
                format, duplicates, bad, EventGenerator.BAD_KINDS, 100_000, System.nanoTime()));
        this.thread = new Thread(this::loop, "eventpipe-generator");
    }

    void start() {
        thread.start();
    }

    private void loop() {
        long tick = 100;
        double perTick = rate * tick / 1000.0;
        double carry = 0;
        while (running) {
            long begin = System.nanoTime();
            carry += perTick;
            for (; carry >= 1 && running; carry--) {
                GeneratedRecord r = events.next(System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value()), (md, e) -> {
                    if (e == null) {
                        produced.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                });
            }
            long rest = tick - (System.nanoTime() - begin) / 1_000_000;
            if (rest > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(rest);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Records the broker acknowledged. */
    long produced() {
        return produced.get();
    }

    /** Records the producer gave up on (they are not in {@link #produced}). */
    long failed() {
        return failed.get();
    }

    /** Why the first record that failed was not sent; null when none failed. */
    String firstFailure() {
        Exception e = firstFailure.get();
        return e == null ? null : Main.causes(e);
    }

    /** Stops sending and waits until every record sent is acknowledged. */
    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        thread.join(5_000);
        producer.flush();
        producer.close(Duration.ofSeconds(5));
    }
}
