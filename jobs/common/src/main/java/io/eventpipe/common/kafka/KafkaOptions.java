package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Option;
import io.eventpipe.common.config.Settings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The {@code kafka.*} keys every job shares. */
public final class KafkaOptions {
    public static final Option<String> BOOTSTRAP_SERVERS = Option.string("kafka.bootstrap-servers", null,
            "Kafka brokers, host:port[,host:port...].");
    public static final Option<Duration> REQUEST_TIMEOUT = Option.duration("kafka.request-timeout", "15s",
            "How long start-up checks wait for the brokers to answer.");
    public static final Option<Duration> TRANSACTION_MAX_TIMEOUT = Option.duration(
            "kafka.transaction-max-timeout", "15min",
            "The brokers' transaction.max.timeout.ms; sink transaction timeouts must not exceed it.");
    public static final Option<Boolean> PREFLIGHT = Option.bool("kafka.preflight", true,
            "Check at start-up that the brokers answer, the topics exist and the job may use them.");
    /** Free-form client properties (security, tuning), passed to every Kafka client. */
    public static final String PROPERTIES_SECTION = "kafka.properties";

    public static final List<Option<?>> ALL = List.of(BOOTSTRAP_SERVERS, REQUEST_TIMEOUT, TRANSACTION_MAX_TIMEOUT,
            PREFLIGHT);

    private KafkaOptions() {}

    public static KafkaConnection read(Settings s) {
        Map<String, String> props = s.section(PROPERTIES_SECTION);
        props.keySet().forEach(k -> {
            String why = KafkaConnection.MANAGED.get(k);
            if (why != null) {
                s.problem(PROPERTIES_SECTION + "." + k + ": is managed by the job and may not be set here ("
                        + why + ")");
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
