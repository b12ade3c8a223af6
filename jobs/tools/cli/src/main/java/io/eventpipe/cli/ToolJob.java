package io.eventpipe.cli;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.kafka.JobTopics;
import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.TopicLayout;
import io.eventpipe.ingest.IngestConfig;
import java.util.Iterator;
import java.util.List;

/**
 * A job's configuration as the tools see it ({@code --job ingest|aggregate}): its name, its Kafka connection and the
 * description of its topics, from which the topics and transactions commands take what they need.
 *
 * @param name the job's {@code job.name}
 * @param kafka the job's Kafka connection
 * @param layout how the job's topics should look
 * @param specs the job's topics, with the retention each should have
 * @param transactionalIdPrefixes the prefixes of the job's exactly-once sinks
 */
public record ToolJob(
        String name,
        KafkaConnection kafka,
        TopicLayout layout,
        List<JobTopics.Spec> specs,
        List<String> transactionalIdPrefixes) {

    /** The jobs the tools know, in the order the help lists them. */
    public static final List<JobTopics<?>> JOBS = List.of(IngestConfig.TOPICS, AggregateConfig.TOPICS);

    /** Loads {@code job}'s configuration; throws {@link ConfigException} naming every problem, or an unknown job. */
    public static ToolJob load(String job, Settings settings) {
        if (job.equals(IngestConfig.TOPICS.job())) {
            IngestConfig c = IngestConfig.from(settings);
            return of(c.runtime().jobName(), c, IngestConfig.TOPICS);
        }
        if (job.equals(AggregateConfig.TOPICS.job())) {
            AggregateConfig c = AggregateConfig.from(settings);
            return of(c.runtime().jobName(), c, AggregateConfig.TOPICS);
        }
        throw new ConfigException("--job: unknown job '" + job + "'; use "
                + String.join(" or ", JOBS.stream().map(JobTopics::job).toList()));
    }

    public static <C extends JobTopics.KafkaJob> ToolJob of(String name, C config, JobTopics<C> topics) {
        return new ToolJob(
                name,
                config.kafka(),
                config.topicLayout(),
                topics.specs(config),
                topics.transactionalIdPrefixes(config));
    }

    /**
     * The jobs and their topics' roles, for {@code --job}'s help ({@code completionCandidates}, shown where the
     * description says {@code ${COMPLETION-CANDIDATES}}): {@code ingest (input, clean, dlq)}, ...
     */
    public static final class Summaries implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return JOBS.stream().map(JobTopics::summary).iterator();
        }
    }
}
