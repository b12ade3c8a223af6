package io.eventpipe.local;

import io.eventpipe.common.serde.DecodeException;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * {@code eventpipe produce}: publishes events from a JSON-lines file to any Kafka cluster, encoded exactly as the
 * generator encodes them. Every line is checked first; if any is not an event, nothing is sent.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Publish events from a JSON-lines file (one event per line: id, time, type, source, payload"
                + "[, headers]) to a Kafka topic. Key = event id.")
final class ProduceCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers, host:port[,...].")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--file", required = true, description = "JSON-lines file of events.")
    Path file;

    @Option(names = "--format", defaultValue = "AVRO",
            description = "Wire format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(names = "--property", description = "Kafka producer property, key=value (security settings).")
    Map<String, String> properties = Map.of();

    @Override
    public Integer call() throws Exception {
        EventDecoder reader = new EventDecoder(EventFormat.JSON, EnvelopeSchemas.load());
        List<Event> events = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Event e = reader.decode(line.getBytes(StandardCharsets.UTF_8));
                    if (e.getId().isBlank() || e.getType().isBlank()) {
                        errors.add(file + ":" + n + ": id and type are required");
                    } else {
                        events.add(e);
                    }
                } catch (DecodeException e) {
                    errors.add(file + ":" + n + ": " + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(System.err::println);
            System.err.println(errors.size() + " bad line(s); nothing was sent");
            return 1;
        }
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        EventEncoder encoder = new EventEncoder(format);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (Event e : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, EventEncoder.key(e), encoder.encode(e))));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        }
        System.out.println("sent " + events.size() + " events to " + topic);
        return 0;
    }
}
