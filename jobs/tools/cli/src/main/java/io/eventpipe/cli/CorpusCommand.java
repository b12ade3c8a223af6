package io.eventpipe.cli;

import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.AdversarialCorpus;
import io.eventpipe.localkit.generate.GeneratedRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eventpipe corpus}: publishes the {@link AdversarialCorpus} (oversized records, lying Avro lengths, garbage,
 * invalid UTF-8, deep and huge JSON, absurd times, valid events that look hostile) to a topic, to see what a running
 * ingest job makes of it, and prints what it must make of it: for each kind, how many were sent and the expected
 * outcome.
 */
@Command(
        name = "corpus",
        mixinStandardHelpOptions = true,
        description = "Publish the adversarial corpus (hostile records, each of a known kind with a known expected "
                + "outcome) to a Kafka topic. The topic must accept records of 3 MB (max.message.bytes >= 3145728).")
final class CorpusCommand implements Callable<Integer> {
    /** The largest corpus records are just under 3,000,000 bytes plus key and overhead. */
    static final int TOPIC_MAX_MESSAGE_BYTES = 3_145_728;

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers, host:port[,...].")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--count", defaultValue = "10000", description = "Records to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = "--format",
            defaultValue = "avro",
            converter = EnvelopeFormat.Converter.class,
            description = "Wire format: avro or json (default: ${DEFAULT-VALUE}).")
    EventFormat format;

    @Option(
            names = "--max-record-bytes",
            defaultValue = "1000000",
            description = "The job's validation.max-record-bytes: larger records are TOO_LARGE "
                    + "(default: ${DEFAULT-VALUE}).")
    long maxRecordBytes;

    @Option(names = "--seed", description = "Random seed (default: the current time; printed, to repeat a run).")
    Long seed;

    @Option(
            names = "--property",
            description = "Kafka producer property, key=value (security settings; "
                    + "max.request.size defaults to 4000000).")
    Map<String, String> properties = Map.of();

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            System.err.println("--count must be >= 0");
            return 2;
        }
        long s = seed != null ? seed : System.currentTimeMillis();
        AdversarialCorpus corpus;
        try {
            corpus = new AdversarialCorpus(new AdversarialCorpus.Settings(format, maxRecordBytes, s));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        long now = System.currentTimeMillis();
        List<GeneratedRecord> records = corpus.generate(count, now);

        Properties p = new Properties();
        p.setProperty("max.request.size", "4000000");
        p.putAll(properties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.putIfAbsent("acks", "all");
        p.putIfAbsent("enable.idempotence", "true");

        AtomicInteger failed = new AtomicInteger();
        AtomicInteger tooLarge = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (GeneratedRecord r : records) {
                producer.send(r.toProducerRecord(topic), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        if (e instanceof RecordTooLargeException) {
                            tooLarge.incrementAndGet();
                        }
                        firstFailure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }

        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (String k : corpus.kinds()) {
            counts.put(k, 0);
        }
        for (GeneratedRecord r : records) {
            counts.merge(r.kind(), 1, Integer::sum);
            expected.putIfAbsent(
                    r.kind(),
                    r.expected() == GeneratedRecord.Expected.CLEAN ? "CLEAN" : r.expected() + " " + r.reason());
        }
        System.out.printf(Locale.ROOT, "%-32s %7s  %s%n", "KIND", "COUNT", "EXPECTED");
        counts.forEach(
                (k, n) -> System.out.printf(Locale.ROOT, "%-32s %7d  %s%n", k, n, expected.getOrDefault(k, "-")));
        long clean = records.stream()
                .filter(r -> r.expected() == GeneratedRecord.Expected.CLEAN)
                .count();
        System.out.printf(
                Locale.ROOT,
                "%d records (%d clean, %d dead letters), format %s, max-record-bytes %d, " + "seed %d, topic %s%n",
                records.size(),
                clean,
                records.size() - clean,
                format.name().toLowerCase(Locale.ROOT),
                maxRecordBytes,
                s,
                topic);

        if (failed.get() > 0) {
            System.err.println(failed.get() + " of " + records.size() + " records were not sent; the first error: "
                    + firstFailure.get());
            if (tooLarge.get() > 0) {
                System.err.println(tooLarge.get() + " record(s) too large: the topic '" + topic
                        + "' needs max.message.bytes >= " + TOPIC_MAX_MESSAGE_BYTES + " (kafka-configs.sh "
                        + "--bootstrap-server ... --alter --entity-type topics --entity-name " + topic
                        + " --add-config max.message.bytes=" + TOPIC_MAX_MESSAGE_BYTES + "); the producer's "
                        + "max.request.size must exceed the largest record too (default here 4000000)");
            }
            return 1;
        }
        System.out.println("sent " + records.size() + " records to " + topic);
        return 0;
    }
}
