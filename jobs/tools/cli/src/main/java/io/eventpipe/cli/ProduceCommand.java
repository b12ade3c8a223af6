package io.eventpipe.cli;

import io.eventpipe.common.serde.DecodeException;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eventpipe produce}: publishes events from a JSON-lines file to any Kafka cluster, encoded exactly as the
 * generator encodes them. Every line is checked first; if any is not an event, nothing is sent. The file is read
 * twice (check, then send) and never held in memory, so files of any size stream through.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Publish events from a JSON-lines file (one event per line: id, time, type, source, payload"
                + "[, headers]) to a Kafka topic. Key = event id.")
final class ProduceCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers, host:port[,...].")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--file", required = true, description = "JSON-lines file of events.")
    Path file;

    @Option(
            names = "--format",
            defaultValue = "avro",
            completionCandidates = EnvelopeFormat.Candidates.class,
            converter = EnvelopeFormat.Converter.class,
            description = "Wire format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(names = "--property", description = "Kafka producer property, key=value (security settings).")
    Map<String, String> properties = Map.of();

    @Option(
            names = "--progress-every",
            defaultValue = "100000",
            description = "Print progress after every this many events (default: ${DEFAULT-VALUE}; 0: never).")
    long progressEvery;

    /** Errors printed before the check stops listing them (it still counts them). */
    private static final int MAX_ERRORS_SHOWN = 20;

    @Override
    public Integer call() throws Exception {
        // two passes over the file, so that nothing is sent when any line is bad and no file is held in memory
        long events = check();
        if (events < 0) {
            return 1;
        }
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("linger.ms", "20");
        EventEncoder encoder = new EventEncoder(format);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
                BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            EventDecoder reader = new EventDecoder(EventFormat.JSON, EnvelopeSchemas.load());
            String line;
            while ((line = in.readLine()) != null && failure.get() == null) {
                if (line.isBlank()) {
                    continue;
                }
                Event e = reader.decode(line.getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topic, EventEncoder.key(e), encoder.encode(e)), (md, ex) -> {
                    if (ex == null) {
                        acked.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, ex);
                    }
                });
                sent++;
                if (progressEvery > 0 && sent % progressEvery == 0) {
                    System.out.printf(
                            Locale.ROOT, "  sent %,d of %,d events (%d%%)%n", sent, events, sent * 100 / events);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            System.err.printf(
                    Locale.ROOT,
                    "sending failed after %,d of %,d events were acknowledged: %s%n",
                    acked.get(),
                    events,
                    failure.get());
            return 1;
        }
        System.out.println("sent " + acked.get() + " events to " + topic);
        return 0;
    }

    /** Checks every line; returns the number of events, or -1 (having printed the errors) when a line is bad. */
    private long check() throws Exception {
        EventDecoder reader = new EventDecoder(EventFormat.JSON, EnvelopeSchemas.load());
        long events = 0;
        long errors = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String error = null;
                try {
                    Event e = reader.decode(line.getBytes(StandardCharsets.UTF_8));
                    if (e.getId().isBlank() || e.getType().isBlank()) {
                        error = "id and type are required";
                    }
                } catch (DecodeException e) {
                    error = e.getMessage();
                }
                if (error == null) {
                    events++;
                } else if (++errors <= MAX_ERRORS_SHOWN) {
                    System.err.println(file + ":" + n + ": " + error);
                }
                if (progressEvery > 0 && n % progressEvery == 0) {
                    System.out.printf(Locale.ROOT, "  checked %,d lines%n", n);
                }
            }
        }
        if (errors > 0) {
            System.err.println((errors > MAX_ERRORS_SHOWN ? "(first " + MAX_ERRORS_SHOWN + " shown) " : "") + errors
                    + " bad line(s); nothing was sent");
            return -1;
        }
        return events;
    }
}
