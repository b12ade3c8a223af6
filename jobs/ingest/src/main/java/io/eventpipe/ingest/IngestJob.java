package io.eventpipe.ingest;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterOptions;
import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.EventSerializer;
import io.eventpipe.common.kafka.KafkaPreflight;
import io.eventpipe.common.kafka.KafkaPreflight.GroupUse;
import io.eventpipe.common.kafka.KafkaPreflight.TimestampLeadUse;
import io.eventpipe.common.kafka.KafkaPreflight.TopicUse;
import io.eventpipe.common.kafka.KafkaPreflight.TransactionalIdUse;
import io.eventpipe.common.kafka.KafkaSinks;
import io.eventpipe.common.kafka.KafkaSources;
import io.eventpipe.common.validate.ValidationOptions;
import io.eventpipe.ingest.lake.LakeSink;
import io.eventpipe.schema.Event;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Entry point of the ingest job: {@code flink run eventpipe-ingest-job.jar --config ingest.yaml [--set k=v]...}.
 */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    private IngestJob() {}

    public static void main(String[] args) throws Exception {
        IngestConfig config;
        try {
            config = IngestConfig.from(JobArgs.parse(args).load());
        } catch (ConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        if (config.preflight()) {
            preflight(config);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        addTo(env, config);
        env.execute(config.runtime().jobName());
    }

    /** Runs the start-up checks against the configured cluster. */
    public static void preflight(IngestConfig config) {
        List<TopicUse> topics = new java.util.ArrayList<>(List.of(
                new TopicUse("topics.input", config.inputTopic(), AclOperation.READ)));
        topics.addAll(KafkaPreflight.writes(config.deliveryGuarantee(), config.transactionNaming(), List.of(
                new TopicUse("topics.clean", config.cleanTopic(), AclOperation.WRITE),
                new TopicUse("topics.dlq", config.dlqTopic(), AclOperation.WRITE))));
        KafkaPreflight.check(config.kafka(), topics,
                List.of(new GroupUse(IngestConfig.GROUP_ID.key(), config.groupId())),
                config.deliveryGuarantee().transactional()
                        ? List.of(new TransactionalIdUse(IngestConfig.CLEAN_TX_PREFIX.key(),
                                config.cleanTransactionalIdPrefix()), new TransactionalIdUse(
                                IngestConfig.DLQ_TX_PREFIX.key(), config.dlqTransactionalIdPrefix()))
                        : List.of(),
                List.of(DeadLetterOptions.topicTakes(config.dlqTopic(), config.deadLetterLimit())),
                // clean records carry the event time, which may lead the input record's timestamp
                List.of(new TimestampLeadUse("topics.clean", config.cleanTopic(), config.inputTopic(),
                        config.validation().maxFutureSkew().toMillis(), ValidationOptions.MAX_FUTURE_SKEW.key())));
    }

    /** Builds the production connectors and adds the job to {@code env}. */
    public static void addTo(StreamExecutionEnvironment env, IngestConfig config) {
        KafkaSource<RawRecord> source = KafkaSources.rawRecords(config.kafka(), config.inputTopic(),
                config.groupId(), config.startingOffsets(), config.stoppingOffsets());
        Sink<Event> clean = KafkaSinks.create(config.kafka(), config.cleanTopic(),
                new EventSerializer(config.cleanTopic()), config.deliveryGuarantee(), config.transactionNaming(),
                config.cleanTransactionalIdPrefix(), config.transactionTimeout());
        Sink<DeadLetter> dlq = KafkaSinks.create(config.kafka(), config.dlqTopic(),
                new DeadLetterSerializer(config.dlqTopic()), config.deliveryGuarantee(), config.transactionNaming(),
                config.dlqTransactionalIdPrefix(), config.transactionTimeout());
        Sink<Event> lake = config.lakeEnabled() ? LakeSink.create(config.lakePath()) : null;
        IngestTopology.build(env, config, source, clean, dlq, lake,
                DeadLetterArchive.sink(config.deadLetterLimit().archiveRoot()));
    }
}
