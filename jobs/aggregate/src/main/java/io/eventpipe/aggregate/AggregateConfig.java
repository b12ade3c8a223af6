package io.eventpipe.aggregate;

import io.eventpipe.aggregate.functions.MetricSpec;
import io.eventpipe.aggregate.sinks.PostgresSettings;
import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.DeadLetterOptions;
import io.eventpipe.common.job.JobRuntime;
import io.eventpipe.common.kafka.JobTopics;
import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.KafkaOptions;
import io.eventpipe.common.kafka.SinkDelivery;
import io.eventpipe.common.kafka.SourceOptions;
import io.eventpipe.common.kafka.StartingOffsets;
import io.eventpipe.common.kafka.TopicLayout;
import io.eventpipe.common.kafka.TopicOptions;
import io.eventpipe.common.kafka.TransactionNaming;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.validate.ValidationOptions;
import io.eventpipe.common.validate.ValidationRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregate job's configuration, parsed once and validated as a whole. See {@code docs/configuration.md}.
 *
 * @param runtime parallelism, checkpoints, state backend, restarts
 * @param kafka brokers and client properties
 * @param preflight whether to check topics and permissions at start-up
 * @param inputTopic clean events (read with read_committed)
 * @param resultsTopic window results
 * @param lateTopic events too late for their window
 * @param dlqTopic records on the input that are not events
 * @param groupId consumer group
 * @param startingOffsets where to start without a checkpoint
 * @param maxOutOfOrderness watermark delay behind the largest event time seen
 * @param idleness a partition without records for this long stops holding back the watermark
 * @param windowSize tumbling window length
 * @param allowedLateness how long after a window's end late events still update it
 * @param metrics per event type, numeric aggregates of its payload
 * @param resultsTransactionalIdPrefix transactional id prefix of the results sink
 * @param lateTransactionalIdPrefix transactional id prefix of the late sink
 * @param dlqTransactionalIdPrefix transactional id prefix of the dead-letter sink
 * @param transactionTimeout Kafka transaction timeout of the sinks
 * @param deliveryGuarantee exactly-once (transactional) or at-least-once Kafka sinks
 * @param transactionNaming how the exactly-once sinks name their transactions
 * @param postgres database connection and batching
 * @param validation what a clean-topic record must satisfy (the ingest job's rules, AVRO format)
 * @param deadLetterLimit how large a dead letter may be, and where larger ones are archived whole
 * @param topicLayout partitions, replication and retention, for the topics command
 */
public record AggregateConfig(
        JobRuntime runtime,
        KafkaConnection kafka,
        boolean preflight,
        String inputTopic,
        String resultsTopic,
        String lateTopic,
        String dlqTopic,
        String groupId,
        StartingOffsets startingOffsets,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration windowSize,
        Duration allowedLateness,
        Map<String, List<MetricSpec>> metrics,
        String resultsTransactionalIdPrefix,
        String lateTransactionalIdPrefix,
        String dlqTransactionalIdPrefix,
        Duration transactionTimeout,
        SinkDelivery deliveryGuarantee,
        TransactionNaming transactionNaming,
        PostgresSettings postgres,
        ValidationRules validation,
        DeadLetterLimit deadLetterLimit,
        TopicLayout topicLayout)
        implements JobTopics.KafkaJob {

    public static final Option<String> JOB_NAME = JobRuntime.jobNameOption("eventpipe-aggregate");
    public static final Option<String> INPUT_TOPIC = TopicOptions.CLEAN;
    public static final Option<String> RESULTS_TOPIC = Option.string(
            "topics.results",
            "events.stats",
            "Window results as JSON, key = window start|type|source; compaction keeps the latest of each window.");
    public static final Option<String> LATE_TOPIC = Option.string(
            "topics.late",
            "events.late",
            "Events later than their window's allowed lateness, with the reason as headers.");
    public static final Option<String> DLQ_TOPIC = DeadLetterOptions.TOPIC;
    public static final Option<String> GROUP_ID = SourceOptions.GROUP_ID;
    public static final Option<StartingOffsets> STARTING_OFFSETS = SourceOptions.STARTING_OFFSETS;
    public static final Option<Duration> MAX_OUT_OF_ORDERNESS = SourceOptions.MAX_OUT_OF_ORDERNESS;
    public static final Option<Duration> IDLENESS = SourceOptions.IDLENESS;
    public static final Option<Duration> WINDOW_SIZE =
            Option.duration("window.size", "1min", "Length of the event-time tumbling windows.");
    public static final Option<Duration> ALLOWED_LATENESS = Option.durationOrZero(
            "window.allowed-lateness",
            "1min",
            "After a window's end, late events still update it (the row is written again) for this long; later "
                    + "ones go to topics.late.");
    /** {@code aggregate.metrics.<type>: sum(field), min(field), max(field)}. */
    public static final String METRICS_SECTION = "aggregate.metrics";

    public static final Option<String> RESULTS_TX_PREFIX = Option.string(
            "sink.results.transactional-id-prefix",
            null,
            "Transactional id prefix of the results sink; default: job.name + \"-results\".");
    public static final Option<String> LATE_TX_PREFIX = Option.string(
            "sink.late.transactional-id-prefix",
            null,
            "Transactional id prefix of the late-events sink; default: job.name + \"-late\".");
    public static final Option<String> DLQ_TX_PREFIX = DeadLetterOptions.TX_PREFIX;
    public static final Option<Duration> TRANSACTION_TIMEOUT = KafkaOptions.TRANSACTION_TIMEOUT;
    public static final Option<SinkDelivery> DELIVERY_GUARANTEE = KafkaOptions.DELIVERY_GUARANTEE;
    public static final Option<String> PG_URL = Option.string(
            "postgres.url", null, "JDBC URL of the results database, e.g. jdbc:postgresql://db:5432/analytics.");
    public static final Option<String> PG_USER = Option.string("postgres.user", null, "Database user.");
    public static final Option<String> PG_PASSWORD =
            Option.string("postgres.password", null, "Database password; give it as ${ENV_VAR}. Never logged.");
    public static final Option<Integer> PG_BATCH_SIZE = Option.integer(
            "postgres.batch-size", 1, 500, "Rows per batch; batches are also flushed on every checkpoint.");
    public static final Option<Duration> PG_BATCH_INTERVAL =
            Option.duration("postgres.batch-interval", "1s", "Longest a row waits in a batch.");
    public static final Option<Integer> PG_MAX_RETRIES = Option.integer(
            "postgres.max-retries",
            0,
            3,
            "Retries of a failed batch before the job fails and restarts (see restart.*).");
    public static final Option<Boolean> PG_CREATE_TABLE =
            Option.bool("postgres.create-table", true, "Create the results table at start-up when it is missing.");

    /** The job's topics and what it needs from each. */
    public static final JobTopics<AggregateConfig> TOPICS = JobTopics.of(
            "aggregate",
            GROUP_ID,
            JobTopics.input(INPUT_TOPIC, AggregateConfig::inputTopic),
            // results carry their window's end, up to a window after the events in it
            JobTopics.output(
                            RESULTS_TOPIC,
                            AggregateConfig::resultsTopic,
                            RESULTS_TX_PREFIX,
                            AggregateConfig::resultsTransactionalIdPrefix)
                    .derivedTimestamps(WINDOW_SIZE, c -> c.windowSize().toMillis()),
            JobTopics.output(
                    LATE_TOPIC, AggregateConfig::lateTopic, LATE_TX_PREFIX, AggregateConfig::lateTransactionalIdPrefix),
            JobTopics.deadLetters(
                    DLQ_TOPIC, AggregateConfig::dlqTopic, DLQ_TX_PREFIX, AggregateConfig::dlqTransactionalIdPrefix));

    public static List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(JobRuntime.options());
        all.addAll(List.of(
                JOB_NAME,
                INPUT_TOPIC,
                RESULTS_TOPIC,
                LATE_TOPIC,
                WINDOW_SIZE,
                ALLOWED_LATENESS,
                RESULTS_TX_PREFIX,
                LATE_TX_PREFIX,
                PG_URL,
                PG_USER,
                PG_PASSWORD,
                PG_BATCH_SIZE,
                PG_BATCH_INTERVAL,
                PG_MAX_RETRIES,
                PG_CREATE_TABLE));
        all.addAll(SourceOptions.ALL);
        all.addAll(ValidationOptions.ALL);
        all.addAll(DeadLetterOptions.ALL);
        all.addAll(KafkaOptions.ALL);
        all.addAll(TopicLayout.OPTIONS);
        return all;
    }

    public static List<String> sections() {
        return List.of(KafkaOptions.PROPERTIES_SECTION, METRICS_SECTION);
    }

    /** Reads and validates; throws {@link io.eventpipe.common.config.ConfigException} listing every problem. */
    public static AggregateConfig from(Settings settings) {
        return settings.read(options(), sections(), AggregateConfig::read);
    }

    private static AggregateConfig read(ConfigReader s) {
        String name = s.get(JOB_NAME);
        JobRuntime runtime = JobRuntime.read(s, name);
        KafkaConnection kafka = KafkaOptions.read(s);
        Map<String, List<MetricSpec>> metrics = new LinkedHashMap<>();
        s.section(METRICS_SECTION).forEach((type, text) -> {
            try {
                metrics.put(type, List.copyOf(MetricSpec.parseList(text)));
            } catch (IllegalArgumentException e) {
                s.problem(METRICS_SECTION + "." + type + ": " + e.getMessage());
            }
        });
        String group = s.get(GROUP_ID);
        PostgresSettings pg = new PostgresSettings(
                s.require(PG_URL),
                s.require(PG_USER),
                s.get(PG_PASSWORD),
                orZero(s.get(PG_BATCH_SIZE)),
                s.get(PG_BATCH_INTERVAL),
                orZero(s.get(PG_MAX_RETRIES)),
                Boolean.TRUE.equals(s.get(PG_CREATE_TABLE)));
        if (pg.url() != null && !pg.url().startsWith("jdbc:postgresql:")) {
            s.problem(PG_URL.key() + ": '" + s.shown(PG_URL.key()) + "' must start with jdbc:postgresql:");
        }
        String results = KafkaOptions.transactionalIdPrefix(s, RESULTS_TX_PREFIX, name, "results");
        String late = KafkaOptions.transactionalIdPrefix(s, LATE_TX_PREFIX, name, "late");
        String dlq = KafkaOptions.transactionalIdPrefix(s, DLQ_TX_PREFIX, name, "dlq");
        AggregateConfig c = new AggregateConfig(
                runtime,
                kafka,
                Boolean.TRUE.equals(s.get(KafkaOptions.PREFLIGHT)),
                s.get(INPUT_TOPIC),
                s.get(RESULTS_TOPIC),
                s.get(LATE_TOPIC),
                s.get(DLQ_TOPIC),
                group != null ? group : name,
                s.get(STARTING_OFFSETS),
                s.get(MAX_OUT_OF_ORDERNESS),
                s.get(IDLENESS),
                s.get(WINDOW_SIZE),
                s.get(ALLOWED_LATENESS),
                Map.copyOf(metrics),
                results,
                late,
                dlq,
                s.get(TRANSACTION_TIMEOUT),
                s.get(DELIVERY_GUARANTEE),
                s.get(KafkaOptions.TRANSACTION_NAMING),
                pg,
                ValidationOptions.read(s, EventFormat.AVRO),
                DeadLetterOptions.read(s, kafka, null),
                TopicLayout.read(s));
        c.crossCheck(s);
        return c;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private void crossCheck(ConfigReader s) {
        TOPICS.checkDistinct(s, this);
        if (deliveryGuarantee != SinkDelivery.AT_LEAST_ONCE) {
            KafkaOptions.checkTransactionTimeout(s, TRANSACTION_TIMEOUT.key(), transactionTimeout, runtime, kafka);
        }
    }
}
