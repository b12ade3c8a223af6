package io.eventpipe.ingest;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.EventSerializer;
import io.eventpipe.common.kafka.KafkaSinks;
import io.eventpipe.common.kafka.KafkaSources;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.ingest.lake.LakeSink;
import io.eventpipe.schema.Event;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
            startupChecks(config);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                config.runtime().toConfiguration());
        addTo(env, config);
        env.execute(config.runtime().jobName());
    }

    /** Kafka topics and permissions, against the configured cluster. */
    public static void startupChecks(IngestConfig config) {
        IngestConfig.TOPICS.check(config);
    }

    /** Builds the production connectors and adds the job to {@code env}. */
    public static void addTo(StreamExecutionEnvironment env, IngestConfig config) {
        KafkaSource<RawRecord> source = KafkaSources.rawRecords(
                config.kafka(),
                config.inputTopic(),
                config.groupId(),
                config.startingOffsets(),
                config.stoppingOffsets());
        Sink<Event> clean = KafkaSinks.create(
                config.kafka(),
                config.cleanTopic(),
                new EventSerializer(config.cleanTopic()),
                config.deliveryGuarantee(),
                config.transactionNaming(),
                config.cleanTransactionalIdPrefix(),
                config.transactionTimeout());
        Sink<DeadLetter> dlq = KafkaSinks.create(
                config.kafka(),
                config.dlqTopic(),
                new DeadLetterSerializer(config.dlqTopic()),
                config.deliveryGuarantee(),
                config.transactionNaming(),
                config.dlqTransactionalIdPrefix(),
                config.transactionTimeout());
        Optional<Sink<Event>> lake =
                config.lakeEnabled() ? Optional.of(LakeSink.create(config.lakePath())) : Optional.empty();
        IngestTopology.build(
                env,
                config,
                source,
                new IngestTopology.Sinks(
                        clean,
                        dlq,
                        lake,
                        DeadLetterArchive.sink(config.deadLetterLimit().archiveRoot())));
    }
}
