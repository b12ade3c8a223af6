package io.eventpipe.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.config.Settings;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.kafka.KafkaPreflight.TopicUse;
import io.eventpipe.common.kafka.KafkaPreflight.TransactionalIdUse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/**
 * A topic added to a job's description reaches the start-up checks, the topics command, the check that topics and
 * prefixes differ, and the help, with no other change.
 */
class JobTopicsTest {
    private static final Option<String> IN = Option.string("topics.in", "in", "input");
    private static final Option<String> OUT = Option.string("topics.out", "out", "output");
    private static final Option<String> OUT_PREFIX = Option.string("sink.out.transactional-id-prefix", "p-out", "");
    private static final Option<String> AUDIT = Option.string("topics.audit", "audit", "the added topic");
    private static final Option<String> AUDIT_PREFIX =
            Option.string("sink.audit.transactional-id-prefix", "p-audit", "");
    private static final Option<String> DLQ = Option.string("topics.dlq", "dlq", "dead letters");
    private static final Option<String> DLQ_PREFIX = Option.string("sink.dlq.transactional-id-prefix", "p-dlq", "");
    private static final Option<String> GROUP = Option.string("source.group-id", "g", "");
    private static final Option<Duration> SKEW = Option.duration("validation.max-future-skew", "5min", "");

    /** A job configuration with the topics of both descriptions below. */
    record Job(
            String in,
            String out,
            String outPrefix,
            String audit,
            String auditPrefix,
            String dlq,
            String dlqPrefix,
            SinkDelivery deliveryGuarantee,
            TransactionNaming transactionNaming)
            implements JobTopics.KafkaJob {
        @Override
        public KafkaConnection kafka() {
            return new KafkaConnection("localhost:9092", Map.of(), Duration.ofSeconds(5), Duration.ofMinutes(15));
        }

        @Override
        public String groupId() {
            return "g";
        }

        @Override
        public TopicLayout topicLayout() {
            return new TopicLayout(3, 1, 1, Duration.ofDays(7), Duration.ofDays(30));
        }

        @Override
        public DeadLetterLimit deadLetterLimit() {
            return new DeadLetterLimit(1000, null);
        }
    }

    private static final JobTopics<Job> BEFORE = JobTopics.of(
            "demo",
            GROUP,
            JobTopics.input(IN, Job::in),
            JobTopics.output(OUT, Job::out, OUT_PREFIX, Job::outPrefix).derivedTimestamps(SKEW, j -> 300_000),
            JobTopics.deadLetters(DLQ, Job::dlq, DLQ_PREFIX, Job::dlqPrefix));

    /** The same job with one more output topic: the only change. */
    private static final JobTopics<Job> AFTER = JobTopics.of(
            "demo",
            GROUP,
            JobTopics.input(IN, Job::in),
            JobTopics.output(OUT, Job::out, OUT_PREFIX, Job::outPrefix).derivedTimestamps(SKEW, j -> 300_000),
            JobTopics.output(AUDIT, Job::audit, AUDIT_PREFIX, Job::auditPrefix),
            JobTopics.deadLetters(DLQ, Job::dlq, DLQ_PREFIX, Job::dlqPrefix));

    private static Job job(String audit, String auditPrefix, TransactionNaming naming) {
        return new Job("in", "out", "p-out", audit, auditPrefix, "dlq", "p-dlq", SinkDelivery.EXACTLY_ONCE, naming);
    }

    @Test
    void theHelpNamesEveryTopicsRole() {
        assertThat(BEFORE.summary()).isEqualTo("demo (in, out, dlq)");
        assertThat(AFTER.summary()).isEqualTo("demo (in, out, audit, dlq)");
    }

    @Test
    void theTopicsCommandCreatesTheAddedTopicWithItsRetention() {
        Job j = job("audit", "p-audit", TransactionNaming.POOLING);
        assertThat(BEFORE.specs(j))
                .containsExactly(
                        new JobTopics.Spec("in", Duration.ofDays(7), false),
                        new JobTopics.Spec("out", Duration.ofDays(7), true),
                        new JobTopics.Spec("dlq", Duration.ofDays(30), false));
        assertThat(AFTER.specs(j))
                .containsExactly(
                        new JobTopics.Spec("in", Duration.ofDays(7), false),
                        new JobTopics.Spec("out", Duration.ofDays(7), true),
                        new JobTopics.Spec("audit", Duration.ofDays(7), false),
                        new JobTopics.Spec("dlq", Duration.ofDays(30), false));
    }

    @Test
    void theStartUpChecksCoverTheAddedTopicAndItsPrefix() {
        JobTopics.Preflight p = AFTER.preflight(job("audit", "p-audit", TransactionNaming.POOLING));
        assertThat(p.topics())
                .contains(new TopicUse("topics.audit", "audit", AclOperation.WRITE))
                .anySatisfy(u -> {
                    assertThat(u.topic()).isEqualTo("audit");
                    assertThat(u.operation()).isEqualTo(AclOperation.READ);
                    assertThat(u.configKey()).startsWith("topics.audit, whose producers");
                });
        assertThat(p.topics())
                .filteredOn(u -> u.operation() == AclOperation.READ)
                .extracting(TopicUse::topic)
                .containsExactly("in", "out", "audit", "dlq");
        assertThat(p.transactionalIds())
                .containsExactly(
                        new TransactionalIdUse(OUT_PREFIX.key(), "p-out"),
                        new TransactionalIdUse(AUDIT_PREFIX.key(), "p-audit"),
                        new TransactionalIdUse(DLQ_PREFIX.key(), "p-dlq"));
        assertThat(p.groups()).extracting(KafkaPreflight.GroupUse::group).containsExactly("g");
        assertThat(p.sizes()).extracting(KafkaPreflight.RecordSizeUse::topic).containsExactly("dlq");
        assertThat(p.leads()).singleElement().satisfies(l -> {
            assertThat(l.topic()).isEqualTo("out");
            assertThat(l.inputTopic()).isEqualTo("in");
            assertThat(l.leadMillis()).isEqualTo(300_000);
            assertThat(l.leadKey()).isEqualTo(SKEW.key());
        });
        assertThat(BEFORE.preflight(job("audit", "p-audit", TransactionNaming.POOLING))
                        .topics())
                .extracting(TopicUse::topic)
                .doesNotContain("audit");
    }

    @Test
    void incrementingNamesAndAtLeastOnceNeedLess() {
        JobTopics.Preflight incrementing = AFTER.preflight(job("audit", "p-audit", TransactionNaming.INCREMENTING));
        assertThat(incrementing.topics())
                .filteredOn(u -> u.operation() == AclOperation.READ)
                .extracting(TopicUse::topic)
                .containsExactly("in");
        Job atLeastOnce = new Job(
                "in",
                "out",
                "p-out",
                "audit",
                "p-audit",
                "dlq",
                "p-dlq",
                SinkDelivery.AT_LEAST_ONCE,
                TransactionNaming.POOLING);
        JobTopics.Preflight p = AFTER.preflight(atLeastOnce);
        assertThat(p.transactionalIds()).isEmpty();
        assertThat(p.topics())
                .filteredOn(u -> u.operation() == AclOperation.READ)
                .extracting(TopicUse::topic)
                .containsExactly("in");
    }

    private static void distinct(JobTopics<Job> topics, Job j) {
        Settings.of(Map.of()).read(List.of(), List.of(), s -> {
            topics.checkDistinct(s, j);
            return j;
        });
    }

    @Test
    void theAddedTopicAndItsPrefixMustDifferFromTheOthers() {
        Job sameTopic = job("out", "p-audit", TransactionNaming.POOLING);
        assertThatCode(() -> distinct(BEFORE, sameTopic)).doesNotThrowAnyException();
        assertThatThrownBy(() -> distinct(AFTER, sameTopic))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.in, topics.out, topics.audit, topics.dlq: must be four different "
                        + "topics (got 'in', 'out', 'out', 'dlq')");
        Job samePrefix = job("audit", "p-out", TransactionNaming.POOLING);
        assertThatCode(() -> distinct(BEFORE, samePrefix)).doesNotThrowAnyException();
        assertThatThrownBy(() -> distinct(AFTER, samePrefix))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "sink.out.transactional-id-prefix, sink.audit.transactional-id-prefix: both are " + "'p-out'");
        assertThatCode(() -> distinct(AFTER, job("audit", "p-audit", TransactionNaming.POOLING)))
                .doesNotThrowAnyException();
    }
}
