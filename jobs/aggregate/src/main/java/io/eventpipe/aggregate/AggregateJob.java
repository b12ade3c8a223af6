package io.eventpipe.aggregate;

import io.eventpipe.aggregate.sinks.LateEventSerializer;
import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSink;
import io.eventpipe.aggregate.sinks.WindowResultSerializer;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterOptions;
import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.KafkaPreflight;
import io.eventpipe.common.kafka.KafkaPreflight.GroupUse;
import io.eventpipe.common.kafka.KafkaPreflight.TimestampLeadUse;
import io.eventpipe.common.kafka.KafkaPreflight.TopicUse;
import io.eventpipe.common.kafka.KafkaPreflight.TransactionalIdUse;
import io.eventpipe.common.kafka.KafkaSinks;
import io.eventpipe.common.kafka.KafkaSources;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Entry point of the aggregate job:
 * {@code flink run eventpipe-aggregate-job.jar --config aggregate.yaml [--set k=v]...}.
 */
public final class AggregateJob {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);

    private AggregateJob() {}

    public static void main(String[] args) throws Exception {
        AggregateConfig config;
        try {
            config = AggregateConfig.from(JobArgs.parse(args).load());
        } catch (ConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        startupChecks(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        addTo(env, config);
        env.execute(config.runtime().jobName());
    }

    /** Kafka topics and permissions (unless disabled), then the results table. */
    public static void startupChecks(AggregateConfig config) {
        if (config.preflight()) {
            List<TopicUse> topics = new java.util.ArrayList<>(List.of(
                    new TopicUse("topics.clean", config.inputTopic(), AclOperation.READ)));
            topics.addAll(KafkaPreflight.writes(config.deliveryGuarantee(), config.transactionNaming(), List.of(
                    new TopicUse("topics.results", config.resultsTopic(), AclOperation.WRITE),
                    new TopicUse("topics.late", config.lateTopic(), AclOperation.WRITE),
                    new TopicUse("topics.dlq", config.dlqTopic(), AclOperation.WRITE))));
            KafkaPreflight.check(config.kafka(), topics,
                    List.of(new GroupUse(AggregateConfig.GROUP_ID.key(), config.groupId())),
                    config.deliveryGuarantee().transactional()
                            ? List.of(new TransactionalIdUse(AggregateConfig.RESULTS_TX_PREFIX.key(),
                                            config.resultsTransactionalIdPrefix()),
                                    new TransactionalIdUse(AggregateConfig.LATE_TX_PREFIX.key(),
                                            config.lateTransactionalIdPrefix()),
                                    new TransactionalIdUse(AggregateConfig.DLQ_TX_PREFIX.key(),
                                            config.dlqTransactionalIdPrefix()))
                            : List.of(),
                    List.of(DeadLetterOptions.topicTakes(config.dlqTopic(), config.deadLetterLimit())),
                    // results carry their window's end, up to a window after the events in it
                    List.of(new TimestampLeadUse("topics.results", config.resultsTopic(), config.inputTopic(),
                            config.windowSize().toMillis(), AggregateConfig.WINDOW_SIZE.key())));
        }
        PostgresSchema.ensure(config.postgres());
    }

    /** Builds the production connectors and adds the job to {@code env}. */
    public static void addTo(StreamExecutionEnvironment env, AggregateConfig config) {
        KafkaSource<RawRecord> source = KafkaSources.rawRecords(config.kafka(), config.inputTopic(),
                config.groupId(), config.startingOffsets());
        var kafka = config.kafka();
        var timeout = config.transactionTimeout();
        var delivery = config.deliveryGuarantee();
        var naming = config.transactionNaming();
        AggregateTopology.build(env, config, source, new AggregateTopology.Sinks(
                PostgresSink.create(config.postgres()),
                KafkaSinks.create(kafka, config.resultsTopic(), new WindowResultSerializer(config.resultsTopic()),
                        delivery, naming, config.resultsTransactionalIdPrefix(), timeout),
                KafkaSinks.create(kafka, config.lateTopic(),
                        new LateEventSerializer(config.lateTopic(), config.windowSize()), delivery, naming,
                        config.lateTransactionalIdPrefix(), timeout),
                KafkaSinks.create(kafka, config.dlqTopic(), new DeadLetterSerializer(config.dlqTopic()), delivery,
                        naming, config.dlqTransactionalIdPrefix(), timeout),
                DeadLetterArchive.sink(config.deadLetterLimit().archiveRoot())));
    }
}
