package io.eventpipe.ingest;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.DeadLetterOptions;
import io.eventpipe.common.job.JobRuntime;
import io.eventpipe.common.kafka.JobTopics;
import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.KafkaOptions;
import io.eventpipe.common.kafka.SinkDelivery;
import io.eventpipe.common.kafka.SourceOptions;
import io.eventpipe.common.kafka.StartingOffsets;
import io.eventpipe.common.kafka.StoppingOffsets;
import io.eventpipe.common.kafka.TopicLayout;
import io.eventpipe.common.kafka.TopicOptions;
import io.eventpipe.common.kafka.TransactionNaming;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.serde.FieldMapping;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.common.validate.ValidationOptions;
import io.eventpipe.common.validate.ValidationRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingest job's configuration, parsed once and validated as a whole. See {@code docs/configuration.md}.
 *
 * @param runtime parallelism, checkpoints, state backend, restarts
 * @param kafka brokers and client properties
 * @param preflight whether to check topics and permissions at start-up
 * @param inputTopic raw events
 * @param cleanTopic valid, deduplicated events
 * @param dlqTopic dead letters
 * @param groupId consumer group (offsets committed on checkpoints, for monitoring and first start)
 * @param startingOffsets where to start without a checkpoint
 * @param stoppingOffsets where a bounded run stops, or {@link StoppingOffsets#NONE}
 * @param validation decoding and validation rules
 * @param contracts the payload contracts, built in or from {@code validation.contracts-dir}
 * @param maxOutOfOrderness watermark delay behind the largest event time seen
 * @param idleness a source partition without records for this long stops holding back the watermark
 * @param dedupTtl how long an id is remembered
 * @param cleanTransactionalIdPrefix transactional id prefix of the clean sink
 * @param dlqTransactionalIdPrefix transactional id prefix of the dead-letter sink
 * @param transactionTimeout Kafka transaction timeout of both sinks
 * @param deliveryGuarantee exactly-once (transactional) or at-least-once Kafka sinks
 * @param transactionNaming how the exactly-once sinks name their transactions
 * @param lakePath Parquet lake root URI, or null when the lake is disabled
 * @param deadLetterLimit how large a dead letter may be, and where larger ones are archived whole
 * @param topicLayout partitions, replication and retention of the topics, for the topics command
 */
public record IngestConfig(
        JobRuntime runtime,
        KafkaConnection kafka,
        boolean preflight,
        String inputTopic,
        String cleanTopic,
        String dlqTopic,
        String groupId,
        StartingOffsets startingOffsets,
        StoppingOffsets stoppingOffsets,
        ValidationRules validation,
        PayloadContracts.Texts contracts,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration dedupTtl,
        String cleanTransactionalIdPrefix,
        String dlqTransactionalIdPrefix,
        Duration transactionTimeout,
        SinkDelivery deliveryGuarantee,
        TransactionNaming transactionNaming,
        String lakePath,
        DeadLetterLimit deadLetterLimit,
        TopicLayout topicLayout)
        implements JobTopics.KafkaJob {

    public static final Option<String> JOB_NAME = JobRuntime.jobNameOption("eventpipe-ingest");
    public static final Option<String> INPUT_TOPIC = Option.string("topics.input", "events", "Topic of raw events.");
    public static final Option<String> CLEAN_TOPIC = TopicOptions.CLEAN;
    public static final Option<String> DLQ_TOPIC = DeadLetterOptions.TOPIC;
    public static final Option<String> GROUP_ID = SourceOptions.GROUP_ID;
    public static final Option<StartingOffsets> STARTING_OFFSETS = SourceOptions.STARTING_OFFSETS;
    public static final Option<StoppingOffsets> STOPPING_OFFSETS = SourceOptions.STOPPING_OFFSETS;
    public static final Option<EventFormat> FORMAT = Option.choice(
            "source.format",
            EventFormat.class,
            EventFormat.AVRO,
            "Input encoding: avro (eventpipe's envelope, Avro single-object encoding), json (its JSON envelope), "
                    + "cloudevents (CloudEvents 1.0 with JSON data, binary or structured mode) or mapped-json (JSON "
                    + "records of their own shape, by source.mapping.*). See docs/configuration.md.");
    public static final Option<String> CONTRACTS_DIR = Option.string(
            "validation.contracts-dir",
            null,
            "Directory of payload contracts used instead of the built-in ones: index.txt lists the event types, "
                    + "<type>.json holds each one's JSON Schema (2020-12). Read where the job is submitted.");
    public static final Option<Duration> MAX_OUT_OF_ORDERNESS = SourceOptions.MAX_OUT_OF_ORDERNESS;
    public static final Option<Duration> IDLENESS = SourceOptions.IDLENESS;
    public static final Option<Duration> DEDUP_TTL =
            Option.duration("dedup.ttl", "24h", "How long an event id is remembered; a repeat within it is dropped.");
    public static final Option<String> CLEAN_TX_PREFIX = Option.string(
            "sink.clean.transactional-id-prefix",
            null,
            "Transactional id prefix of the clean sink; default: job.name + \"-clean\". "
                    + "Keep it stable across upgrades.");
    public static final Option<String> DLQ_TX_PREFIX = DeadLetterOptions.TX_PREFIX;
    public static final Option<Duration> TRANSACTION_TIMEOUT = KafkaOptions.TRANSACTION_TIMEOUT;
    public static final Option<SinkDelivery> DELIVERY_GUARANTEE = KafkaOptions.DELIVERY_GUARANTEE;
    public static final Option<Boolean> LAKE_ENABLED =
            Option.bool("lake.enabled", true, "Write clean events to the Parquet lake.");
    public static final Option<String> LAKE_PATH = Option.string(
            "lake.path",
            null,
            "Lake root, e.g. file:///data/lake or s3://bucket/lake; required when the lake is enabled.");

    /** The job's topics and what it needs from each. */
    public static final JobTopics<IngestConfig> TOPICS = JobTopics.of(
            "ingest",
            GROUP_ID,
            JobTopics.input(INPUT_TOPIC, IngestConfig::inputTopic),
            // clean records carry the event time, which may lead the input record's timestamp
            JobTopics.output(
                            CLEAN_TOPIC,
                            IngestConfig::cleanTopic,
                            CLEAN_TX_PREFIX,
                            IngestConfig::cleanTransactionalIdPrefix)
                    .derivedTimestamps(
                            ValidationOptions.MAX_FUTURE_SKEW,
                            c -> c.validation().maxFutureSkew().toMillis()),
            JobTopics.deadLetters(
                    DLQ_TOPIC, IngestConfig::dlqTopic, DLQ_TX_PREFIX, IngestConfig::dlqTransactionalIdPrefix));

    public static List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(JobRuntime.options());
        all.addAll(List.of(
                JOB_NAME, INPUT_TOPIC, CLEAN_TOPIC, FORMAT, DEDUP_TTL, CLEAN_TX_PREFIX, LAKE_ENABLED, LAKE_PATH));
        all.addAll(SourceOptions.ALL);
        all.add(STOPPING_OFFSETS);
        all.addAll(ValidationOptions.ALL);
        all.add(CONTRACTS_DIR);
        all.addAll(FieldMapping.OPTIONS);
        all.addAll(DeadLetterOptions.ALL);
        all.addAll(KafkaOptions.ALL);
        all.addAll(TopicLayout.OPTIONS);
        return all;
    }

    public static List<String> sections() {
        return List.of(KafkaOptions.PROPERTIES_SECTION);
    }

    /** Reads and validates; throws {@link io.eventpipe.common.config.ConfigException} listing every problem. */
    public static IngestConfig from(Settings settings) {
        return settings.read(options(), sections(), IngestConfig::read);
    }

    private static IngestConfig read(ConfigReader s) {
        String name = s.get(JOB_NAME);
        JobRuntime runtime = JobRuntime.read(s, name);
        KafkaConnection kafka = KafkaOptions.read(s);
        EventFormat format = s.get(FORMAT);
        ValidationRules rules = ValidationOptions.read(s, format).withMapping(FieldMapping.read(s, format));
        String group = s.get(GROUP_ID);
        boolean lake = Boolean.TRUE.equals(s.get(LAKE_ENABLED));
        String lakePath = lake ? s.require(LAKE_PATH) : null;
        DeadLetterLimit deadLetterLimit = DeadLetterOptions.read(
                s,
                kafka,
                lakePath == null ? null : (lakePath.endsWith("/") ? lakePath : lakePath + "/") + "_dead_letters");
        IngestConfig c = new IngestConfig(
                runtime,
                kafka,
                Boolean.TRUE.equals(s.get(KafkaOptions.PREFLIGHT)),
                s.get(INPUT_TOPIC),
                s.get(CLEAN_TOPIC),
                s.get(DLQ_TOPIC),
                group != null ? group : name,
                s.get(STARTING_OFFSETS),
                s.get(STOPPING_OFFSETS),
                rules,
                contracts(s),
                s.get(MAX_OUT_OF_ORDERNESS),
                s.get(IDLENESS),
                s.get(DEDUP_TTL),
                KafkaOptions.transactionalIdPrefix(s, CLEAN_TX_PREFIX, name, "clean"),
                KafkaOptions.transactionalIdPrefix(s, DLQ_TX_PREFIX, name, "dlq"),
                s.get(TRANSACTION_TIMEOUT),
                s.get(DELIVERY_GUARANTEE),
                s.get(KafkaOptions.TRANSACTION_NAMING),
                lakePath,
                deadLetterLimit,
                TopicLayout.read(s));
        c.crossCheck(s);
        return c;
    }

    private static PayloadContracts.Texts contracts(ConfigReader s) {
        String dir = s.get(CONTRACTS_DIR);
        if (dir == null) {
            return PayloadContracts.Texts.builtIn();
        }
        try {
            return PayloadContracts.Texts.directory(Path.of(dir));
        } catch (IllegalArgumentException e) {
            s.problem(CONTRACTS_DIR.key() + ": " + e.getMessage());
            return PayloadContracts.Texts.builtIn();
        }
    }

    /** Rules that span several keys. Only runs the checks whose inputs parsed. */
    private void crossCheck(ConfigReader s) {
        if (startingOffsets != null
                && stoppingOffsets != null
                && startingOffsets.kind() == StartingOffsets.Kind.TIMESTAMP
                && stoppingOffsets.kind() == StoppingOffsets.Kind.TIMESTAMP
                && !stoppingOffsets.timestamp().isAfter(startingOffsets.timestamp())) {
            s.problem("source.stopping-offsets: " + stoppingOffsets + " must be after source.starting-offsets "
                    + startingOffsets + ", or the run reads nothing");
        }
        TOPICS.checkDistinct(s, this);
        if (deliveryGuarantee != SinkDelivery.AT_LEAST_ONCE) {
            KafkaOptions.checkTransactionTimeout(s, TRANSACTION_TIMEOUT.key(), transactionTimeout, runtime, kafka);
        }
        if (validation.maxRecordBytes() > 0) {
            long needed = validation.maxRecordBytes() + DeadLetterHeaders.MAX_OVERHEAD_BYTES;
            if (needed > kafka.maxRequestSize()) {
                s.problem("validation.max-record-bytes: " + validation.maxRecordBytes() + " plus "
                        + DeadLetterHeaders.MAX_OVERHEAD_BYTES + " bytes of dead-letter headers exceeds the "
                        + "producer's max.request.size (" + kafka.maxRequestSize() + "); raise "
                        + "kafka.properties.max.request.size or lower the limit, or a valid event that large could "
                        + "not be written to the clean topic");
            }
        }
    }

    public boolean lakeEnabled() {
        return lakePath != null;
    }
}
