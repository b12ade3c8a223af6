package io.eventpipe.cli.dlq;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.validate.EventValidator;
import io.eventpipe.ingest.IngestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Replays dead letters of the ingest job: reads its dead-letter topic (read_committed) up to its end when the replay
 * starts, selects letters, and either judges them against the current validation rules and contracts (dry run) or
 * publishes the original key, value and timestamp again, to the input topic or another, in one Kafka transaction per
 * batch, each with a {@link DeadLetterHeaders#REPLAY_OF} header naming its letter. Letters cut to fit the topic are
 * replayed with their whole record from the dead-letter archive.
 */
public final class DeadLetterReplay {
    /** What a replay found and did. */
    public static final class Report {
        public long read;
        public long notLetters;
        public final Map<Reason, Long> selected = new EnumMap<>(Reason.class);
        /** Dry run: of the selected, how many pass the current rules, by their old reason. */
        public final Map<Reason, Long> wouldPass = new EnumMap<>(Reason.class);
        /** Dry run: of the selected, how many fail again, by old reason and the reason they would get now. */
        public final Map<Reason, Map<Reason, Long>> wouldFail = new EnumMap<>(Reason.class);

        public final Map<Reason, Long> replayed = new EnumMap<>(Reason.class);
        public long transactions;
        /** Cut letters whose whole record was not in the archive, by where it was looked for. */
        public final Map<String, Long> missingFromArchive = new TreeMap<>();

        public long selectedTotal() {
            return selected.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final IngestConfig config;
    private final Selection selection;
    private final String targetTopic;
    private final Path archiveRoot;
    private final int batchSize;
    private final String transactionalId;
    private final Duration idleTimeout;

    /**
     * @param targetTopic where replayed records go (the input topic, usually)
     * @param archiveRoot a local copy of the dead-letter archive's root, or null to read each letter's own archive
     * @param transactionalId the replay producer's transactional id
     * @param idleTimeout how long the dead-letter topic may give nothing before the replay gives up
     */
    public DeadLetterReplay(
            IngestConfig config,
            Selection selection,
            String targetTopic,
            Path archiveRoot,
            int batchSize,
            String transactionalId,
            Duration idleTimeout) {
        this.config = config;
        this.selection = selection;
        this.targetTopic = targetTopic;
        this.archiveRoot = archiveRoot;
        this.batchSize = batchSize;
        this.transactionalId = transactionalId;
        this.idleTimeout = idleTimeout;
    }

    /** Judges the selected letters against the current rules and contracts; publishes nothing. */
    public Report dryRun() throws IOException {
        Report report = new Report();
        EventValidator validator = new EventValidator(
                config.validation(), EnvelopeSchemas.load(), config.contracts().compile());
        EventValidator.Outcome outcome = new EventValidator.Outcome();
        scan(report, (letter, key, value, headers) -> {
            validator.check(letter.raw(key, value, headers), outcome);
            if (outcome.event != null) {
                report.wouldPass.merge(letter.reason(), 1L, Long::sum);
            } else {
                report.wouldFail
                        .computeIfAbsent(letter.reason(), r -> new EnumMap<>(Reason.class))
                        .merge(outcome.deadLetter.reason, 1L, Long::sum);
            }
        });
        return report;
    }

    /** Publishes the selected letters' records again, in transactions of {@code batchSize}. */
    public Report replay() throws IOException {
        Report report = new Report();
        Properties p = config.kafka().producerConfig();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            Batch batch = new Batch(producer, report);
            try {
                scan(report, (letter, key, value, headers) -> batch.add(letter, key, value, headers));
                batch.commit();
            } catch (RuntimeException | IOException e) {
                batch.abort();
                throw e;
            }
        }
        return report;
    }

    /** Records of the open transaction, committed every {@code batchSize}. */
    private final class Batch {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Report report;
        private final Map<Reason, Long> pending = new EnumMap<>(Reason.class);
        private int size;

        Batch(KafkaProducer<byte[], byte[]> producer, Report report) {
            this.producer = producer;
            this.report = report;
        }

        void add(Letter letter, byte[] key, byte[] value, List<Header> original) {
            if (size == 0) {
                producer.beginTransaction();
            }
            // the record's own headers as it came (CloudEvents attributes, tracing), and which letter it replays;
            // a record replayed before names only the latest letter
            RecordHeaders headers = new RecordHeaders();
            original.stream()
                    .filter(h -> !h.key().equals(DeadLetterHeaders.REPLAY_OF))
                    .forEach(headers::add);
            headers.add(
                    DeadLetterHeaders.REPLAY_OF, letter.name(config.dlqTopic()).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(targetTopic, null, letter.sourceTimestamp(), key, value, headers));
            pending.merge(letter.reason(), 1L, Long::sum);
            if (++size >= batchSize) {
                commit();
            }
        }

        void commit() {
            if (size == 0) {
                return;
            }
            producer.commitTransaction(); // flushes; throws if a send failed
            pending.forEach((r, n) -> report.replayed.merge(r, n, Long::sum));
            pending.clear();
            report.transactions++;
            size = 0;
        }

        void abort() {
            if (size > 0) {
                try {
                    producer.abortTransaction();
                } catch (RuntimeException e) {
                    // the producer is broken (fenced, closed): its open transaction times out at the broker
                }
                pending.clear();
                size = 0;
            }
        }
    }

    @FunctionalInterface
    private interface LetterAction {
        void accept(Letter letter, byte[] key, byte[] value, List<Header> headers) throws IOException;
    }

    /**
     * Reads the dead-letter topic from its start to its end offsets as of now and hands each selected letter, with
     * its whole record and headers, to {@code action}: whole letters as they come, cut ones afterwards, day by day from the
     * archive, so that memory holds one record at a time.
     */
    private void scan(Report report, LetterAction action) throws IOException {
        Map<Path, List<Letter>> cutByDay = new LinkedHashMap<>();
        Properties c = config.kafka().clientConfig();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.dlqTopic(), idleTimeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("the dead-letter topic " + config.dlqTopic() + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, idleTimeout));
            long lastProgress = System.nanoTime();
            while (!done(consumer, end) && report.selectedTotal() < selection.max()) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > idleTimeout.toNanos()) {
                    throw new IllegalStateException("the dead-letter topic " + config.dlqTopic() + " gave no "
                            + "records for " + idleTimeout.toSeconds() + " s before its end offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the replay started
                    }
                    report.read++;
                    Letter letter = Letter.read(r);
                    if (letter == null) {
                        report.notLetters++;
                        continue;
                    }
                    if (!selection.matches(letter) || report.selectedTotal() >= selection.max()) {
                        continue;
                    }
                    report.selected.merge(letter.reason(), 1L, Long::sum);
                    if (letter.cut()) {
                        Path day;
                        try {
                            day = Archive.dayDirectory(letter, archiveRoot);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("letter " + letter.name(config.dlqTopic())
                                    + " was cut to fit the topic, and its whole record cannot be read: "
                                    + e.getMessage());
                        }
                        // only coordinates are kept: the cut prefix is not needed
                        cutByDay.computeIfAbsent(day, d -> new ArrayList<>())
                                .add(new Letter(
                                        letter.dlqPartition(),
                                        letter.dlqOffset(),
                                        letter.reason(),
                                        letter.sourceTopic(),
                                        letter.sourcePartition(),
                                        letter.sourceOffset(),
                                        letter.sourceTimestamp(),
                                        true,
                                        letter.archive(),
                                        null,
                                        null,
                                        List.of()));
                    } else {
                        action.accept(letter, letter.key(), letter.value(), letter.headers());
                    }
                }
            }
        }
        for (Map.Entry<Path, List<Letter>> day : cutByDay.entrySet()) {
            // each archived record serves one waiting letter of its source (a letter written twice waits twice)
            Map<Archive.Source, Deque<Letter>> wanted = new HashMap<>();
            day.getValue()
                    .forEach(l -> wanted.computeIfAbsent(Archive.Source.of(l), s -> new ArrayDeque<>())
                            .add(l));
            Archive.forEach(day.getKey(), entry -> {
                Deque<Letter> letters = wanted.get(entry.source());
                if (letters != null) {
                    Letter l = letters.poll();
                    if (letters.isEmpty()) {
                        wanted.remove(entry.source());
                    }
                    action.accept(l, entry.key(), entry.value(), entry.headers());
                }
            });
            long missing = wanted.values().stream().mapToLong(Deque::size).sum();
            if (missing > 0) {
                report.missingFromArchive.merge(day.getKey().toString(), missing, Long::sum);
            }
        }
    }

    private static boolean done(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
