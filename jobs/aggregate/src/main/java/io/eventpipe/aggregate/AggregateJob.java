package io.eventpipe.aggregate;

import io.eventpipe.aggregate.sinks.LateEventSerializer;
import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSink;
import io.eventpipe.aggregate.sinks.WindowResultSerializer;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.KafkaSinks;
import io.eventpipe.common.kafka.KafkaSources;
import io.eventpipe.common.kafka.RawRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
            AggregateConfig.TOPICS.check(config);
        }
        PostgresSchema.ensure(config.postgres());
    }

    /** Builds the production connectors and adds the job to {@code env}. */
    public static void addTo(StreamExecutionEnvironment env, AggregateConfig config) {
        KafkaSource<RawRecord> source = KafkaSources.rawRecords(
                config.kafka(), config.inputTopic(), config.groupId(), config.startingOffsets());
        var kafka = config.kafka();
        var timeout = config.transactionTimeout();
        var delivery = config.deliveryGuarantee();
        var naming = config.transactionNaming();
        AggregateTopology.build(
                env,
                config,
                source,
                new AggregateTopology.Sinks(
                        PostgresSink.create(config.postgres()),
                        KafkaSinks.create(
                                kafka,
                                config.resultsTopic(),
                                new WindowResultSerializer(config.resultsTopic()),
                                delivery,
                                naming,
                                config.resultsTransactionalIdPrefix(),
                                timeout),
                        KafkaSinks.create(
                                kafka,
                                config.lateTopic(),
                                new LateEventSerializer(config.lateTopic(), config.windowSize()),
                                delivery,
                                naming,
                                config.lateTransactionalIdPrefix(),
                                timeout),
                        KafkaSinks.create(
                                kafka,
                                config.dlqTopic(),
                                new DeadLetterSerializer(config.dlqTopic()),
                                delivery,
                                naming,
                                config.dlqTransactionalIdPrefix(),
                                timeout),
                        DeadLetterArchive.sink(config.deadLetterLimit().archiveRoot())));
    }
}
