package io.eventpipe.common.kafka;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.job.JobRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.TimeUtils;

/** The {@code kafka.*} keys every job shares, and the transaction timeout of its Kafka sinks. */
public final class KafkaOptions {
    public static final Option<String> BOOTSTRAP_SERVERS =
            Option.string("kafka.bootstrap-servers", null, "Kafka brokers, host:port[,host:port...].");
    public static final Option<Duration> REQUEST_TIMEOUT =
            Option.duration("kafka.request-timeout", "15s", "How long start-up checks wait for the brokers to answer.");
    public static final Option<Duration> TRANSACTION_MAX_TIMEOUT = Option.duration(
            "kafka.transaction-max-timeout",
            "15min",
            "The brokers' transaction.max.timeout.ms; sink transaction timeouts must not exceed it.");
    public static final Option<Boolean> PREFLIGHT = Option.bool(
            "kafka.preflight",
            true,
            "Check at start-up that the brokers answer, the topics exist and the job may use them.");
    public static final Option<Duration> TRANSACTION_TIMEOUT = Option.duration(
            "sink.transaction-timeout",
            "10min",
            "Kafka transaction timeout of the job's Kafka sinks; must exceed checkpoint.interval + "
                    + "checkpoint.timeout and not exceed kafka.transaction-max-timeout.");
    public static final Option<SinkDelivery> DELIVERY_GUARANTEE = Option.choice(
            "sink.delivery-guarantee",
            SinkDelivery.class,
            SinkDelivery.EXACTLY_ONCE,
            "Guarantee of the job's Kafka sinks: exactly-once "
                    + "(transactions committed on checkpoints; read_committed consumers see each record once, a "
                    + "checkpoint later) or at-least-once (visible at once; after a failure, records since the last "
                    + "checkpoint are written again). See docs/configuration.md.");
    public static final Option<TransactionNaming> TRANSACTION_NAMING = Option.choice(
            "sink.transaction-naming",
            TransactionNaming.class,
            TransactionNaming.POOLING,
            "How the exactly-once Kafka sinks name their "
                    + "transactions: pooling (ids of ended transactions used again, so the brokers keep state for a "
                    + "few per subtask; needs READ on the output topics) or incrementing (a new transactional id per "
                    + "subtask and checkpoint). See docs/configuration.md.");
    /** Free-form client properties (security, tuning), passed to every Kafka client. */
    public static final String PROPERTIES_SECTION = "kafka.properties";

    public static final List<Option<?>> ALL = List.of(
            BOOTSTRAP_SERVERS,
            REQUEST_TIMEOUT,
            TRANSACTION_MAX_TIMEOUT,
            PREFLIGHT,
            TRANSACTION_TIMEOUT,
            DELIVERY_GUARANTEE,
            TRANSACTION_NAMING);

    private KafkaOptions() {}

    /**
     * A sink's Kafka transaction must outlive the checkpoint that commits it, and the brokers must accept its
     * timeout.
     */
    public static void checkTransactionTimeout(
            ConfigReader s, String key, Duration timeout, JobRuntime runtime, KafkaConnection kafka) {
        Duration interval = runtime.checkpointInterval();
        Duration ckTimeout = runtime.checkpointTimeout();
        if (timeout != null
                && interval != null
                && ckTimeout != null
                && timeout.compareTo(interval.plus(ckTimeout)) <= 0) {
            s.problem(key + ": '" + format(timeout) + "' must exceed checkpoint.interval + checkpoint.timeout ("
                    + format(interval.plus(ckTimeout)) + "), or transactions may expire before their checkpoint "
                    + "commits them");
        }
        if (timeout != null
                && kafka.transactionMaxTimeout() != null
                && timeout.compareTo(kafka.transactionMaxTimeout()) > 0) {
            s.problem(key + ": '" + format(timeout) + "' exceeds kafka.transaction-max-timeout ("
                    + format(kafka.transactionMaxTimeout()) + "); the brokers would refuse the transactions");
        }
    }

    /**
     * The transactional-id prefix {@code option} sets, or by default {@code <job.name>-<sink>}: keep it stable across
     * upgrades, because a job resumed from a checkpoint finds its sinks' transactions by it.
     */
    public static String transactionalIdPrefix(ConfigReader s, Option<String> option, String jobName, String sink) {
        String v = s.get(option);
        return v != null ? v : jobName + "-" + sink;
    }

    private static String format(Duration d) {
        return TimeUtils.formatWithHighestUnit(d);
    }

    public static KafkaConnection read(ConfigReader s) {
        Map<String, String> props = s.section(PROPERTIES_SECTION);
        props.keySet().forEach(k -> {
            String why = KafkaConnection.MANAGED.get(k);
            if (why != null) {
                s.problem(
                        PROPERTIES_SECTION + "." + k + ": is managed by the job and may not be set here (" + why + ")");
            }
        });
        String maxRequest = props.get("max.request.size");
        if (maxRequest != null && !maxRequest.matches("[0-9]{1,10}")) {
            s.problem(PROPERTIES_SECTION + ".max.request.size: '" + maxRequest + "' must be a number of bytes");
            props.remove("max.request.size");
        }
        String servers = s.require(BOOTSTRAP_SERVERS);
        Duration timeout = s.get(REQUEST_TIMEOUT);
        Duration txMax = s.get(TRANSACTION_MAX_TIMEOUT);
        return new KafkaConnection(servers == null ? "" : servers, props, timeout, txMax);
    }
}
