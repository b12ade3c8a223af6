package io.eventpipe.common.kafka;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.DeadLetterOptions;
import io.eventpipe.common.kafka.KafkaPreflight.GroupUse;
import io.eventpipe.common.kafka.KafkaPreflight.RecordSizeUse;
import io.eventpipe.common.kafka.KafkaPreflight.TimestampLeadUse;
import io.eventpipe.common.kafka.KafkaPreflight.TopicUse;
import io.eventpipe.common.kafka.KafkaPreflight.TransactionalIdUse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.acl.AclOperation;

/**
 * The one description of a job's topics and of what it needs from each: whether it reads or writes it, under which
 * key, with which transactional-id prefix, whether it writes timestamps derived from its input's, and whether it
 * holds dead letters. The start-up checks ({@link #preflight}), the topics command ({@link #specs}), the check that
 * the topics and prefixes differ ({@link #checkDistinct}) and the command-line help ({@link #summary}) are derived
 * from it, so a topic added here is known to all four.
 *
 * @param <C> the job's configuration
 */
public final class JobTopics<C extends JobTopics.KafkaJob> {

    /** What the description needs of a job's configuration. */
    public interface KafkaJob {
        KafkaConnection kafka();

        SinkDelivery deliveryGuarantee();

        TransactionNaming transactionNaming();

        String groupId();

        TopicLayout topicLayout();

        DeadLetterLimit deadLetterLimit();
    }

    /**
     * One topic of a job.
     *
     * @param key the option that names the topic
     * @param output whether the job writes it (else it reads it)
     * @param name the topic's name in a configuration
     * @param prefixKey the option of the transactional-id prefix of the topic's exactly-once sink, null for an input
     * @param prefix that prefix in a configuration
     * @param leadKey the option that bounds how far the timestamps the job writes here can lead the input's, or null
     *     where the job copies its input's timestamps
     * @param leadMillis that bound in a configuration
     * @param deadLetters whether the topic holds dead letters (kept longer, and must take the largest one)
     */
    public record Topic<C>(
            Option<String> key,
            boolean output,
            Function<C, String> name,
            Option<String> prefixKey,
            Function<C, String> prefix,
            Option<?> leadKey,
            ToLongFunction<C> leadMillis,
            boolean deadLetters) {
        public Topic {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(name, "name");
        }

        /** The topic's role: the last part of its key ({@code topics.clean} is {@code clean}). */
        public String role() {
            return key.key().substring(key.key().lastIndexOf('.') + 1);
        }

        /** This topic, written with timestamps up to {@code millis} (bounded by {@code bound}) after the input's. */
        public Topic<C> derivedTimestamps(Option<?> bound, ToLongFunction<C> millis) {
            return new Topic<>(key, output, name, prefixKey, prefix, bound, millis, deadLetters);
        }
    }

    /** A topic the job reads. */
    public static <C> Topic<C> input(Option<String> key, Function<C, String> name) {
        return new Topic<>(key, false, name, null, null, null, null, false);
    }

    /** A topic the job writes, through a sink with its own transactional-id prefix. */
    public static <C> Topic<C> output(
            Option<String> key, Function<C, String> name, Option<String> prefixKey, Function<C, String> prefix) {
        return written(key, name, prefixKey, prefix, false);
    }

    /** The job's dead-letter topic. */
    public static <C> Topic<C> deadLetters(
            Option<String> key, Function<C, String> name, Option<String> prefixKey, Function<C, String> prefix) {
        return written(key, name, prefixKey, prefix, true);
    }

    private static <C> Topic<C> written(
            Option<String> key,
            Function<C, String> name,
            Option<String> prefixKey,
            Function<C, String> prefix,
            boolean deadLetters) {
        Objects.requireNonNull(prefixKey, "prefixKey");
        Objects.requireNonNull(prefix, "prefix");
        return new Topic<>(key, true, name, prefixKey, prefix, null, null, deadLetters);
    }

    /** A topic to create or check, with the retention it should have. */
    public record Spec(String name, Duration retention, boolean derivedTimestamps) {}

    /** What the start-up checks look at, for {@link KafkaPreflight#check}. */
    public record Preflight(
            List<TopicUse> topics,
            List<GroupUse> groups,
            List<TransactionalIdUse> transactionalIds,
            List<RecordSizeUse> sizes,
            List<TimestampLeadUse> leads) {}

    private final String job;
    private final Option<String> groupKey;
    private final List<Topic<C>> topics;

    private JobTopics(String job, Option<String> groupKey, List<Topic<C>> topics) {
        this.job = job;
        this.groupKey = groupKey;
        this.topics = List.copyOf(topics);
        if (this.topics.stream().noneMatch(t -> !t.output())) {
            throw new IllegalArgumentException(job + ": a job reads at least one topic");
        }
    }

    /**
     * @param job the job's short name, as the command line's {@code --job} takes it
     * @param groupKey the option of the consumer group the job reads in
     * @param topics the job's topics, inputs first
     */
    @SafeVarargs
    public static <C extends KafkaJob> JobTopics<C> of(String job, Option<String> groupKey, Topic<C>... topics) {
        return new JobTopics<>(job, groupKey, List.of(topics));
    }

    public String job() {
        return job;
    }

    public List<Topic<C>> topics() {
        return topics;
    }

    /** The job and its topics' roles, for help texts: {@code ingest (input, clean, dlq)}. */
    public String summary() {
        return job + " (" + String.join(", ", topics.stream().map(Topic::role).toList()) + ")";
    }

    /** The topics with the retention the layout gives each. */
    public List<Spec> specs(C c) {
        TopicLayout layout = c.topicLayout();
        return topics.stream()
                .map(t -> new Spec(
                        t.name().apply(c),
                        t.deadLetters() ? layout.deadLetterRetention() : layout.retention(),
                        t.leadKey() != null))
                .toList();
    }

    /** The transactional-id prefixes of the job's sinks, in the order of its topics. */
    public List<String> transactionalIdPrefixes(C c) {
        return topics.stream()
                .filter(Topic::output)
                .map(t -> t.prefix().apply(c))
                .toList();
    }

    /**
     * Records a problem in {@code s} where two topics are one, or, at exactly-once, two sinks share a
     * transactional-id prefix (they would abort each other's transactions). Names that did not parse are skipped.
     */
    public void checkDistinct(ConfigReader s, C c) {
        List<String> names = topics.stream().map(t -> t.name().apply(c)).toList();
        if (names.stream().allMatch(Objects::nonNull) && new LinkedHashSet<>(names).size() < names.size()) {
            s.problem(String.join(", ", topics.stream().map(t -> t.key().key()).toList()) + ": must be "
                    + count(topics.size()) + " different topics (got "
                    + String.join(", ", names.stream().map(n -> "'" + n + "'").toList()) + ")");
        }
        if (c.deliveryGuarantee() == SinkDelivery.AT_LEAST_ONCE) {
            return;
        }
        Map<String, String> seen = new HashMap<>();
        for (Topic<C> t : topics) {
            String prefix = t.output() ? t.prefix().apply(c) : null;
            String other = prefix == null
                    ? null
                    : seen.putIfAbsent(prefix, t.prefixKey().key());
            if (other != null) {
                s.problem(other + ", " + t.prefixKey().key() + ": both are '" + prefix + "'; each transactional sink "
                        + "needs its own prefix, or the sinks abort each other's transactions");
            }
        }
    }

    private static String count(int n) {
        String[] words = {"two", "three", "four", "five", "six", "seven", "eight"};
        return n >= 2 && n - 2 < words.length ? words[n - 2] : Integer.toString(n);
    }

    /**
     * What the start-up checks look at: READ on the inputs and the group, WRITE on the outputs (and READ too with
     * pooled transactional ids at exactly-once, see {@link KafkaPreflight#writes}), the prefixes at exactly-once,
     * that the dead-letter topics take the largest dead letter, and that the topics written with derived timestamps
     * accept them.
     */
    public Preflight preflight(C c) {
        String input = null;
        List<TopicUse> reads = new ArrayList<>();
        List<TopicUse> writes = new ArrayList<>();
        List<TransactionalIdUse> prefixes = new ArrayList<>();
        List<RecordSizeUse> sizes = new ArrayList<>();
        for (Topic<C> t : topics) {
            String name = t.name().apply(c);
            if (!t.output()) {
                input = input == null ? name : input;
                reads.add(new TopicUse(t.key().key(), name, AclOperation.READ));
                continue;
            }
            writes.add(new TopicUse(t.key().key(), name, AclOperation.WRITE));
            if (c.deliveryGuarantee().transactional()) {
                prefixes.add(
                        new TransactionalIdUse(t.prefixKey().key(), t.prefix().apply(c)));
            }
            if (t.deadLetters()) {
                sizes.add(DeadLetterOptions.topicTakes(t.key().key(), name, c.deadLetterLimit()));
            }
        }
        List<TimestampLeadUse> leads = new ArrayList<>();
        for (Topic<C> t : topics) {
            if (t.leadKey() != null) {
                leads.add(new TimestampLeadUse(
                        t.key().key(),
                        t.name().apply(c),
                        input,
                        t.leadMillis().applyAsLong(c),
                        t.leadKey().key()));
            }
        }
        List<TopicUse> uses = new ArrayList<>(reads);
        uses.addAll(KafkaPreflight.writes(c.deliveryGuarantee(), c.transactionNaming(), writes));
        return new Preflight(uses, List.of(new GroupUse(groupKey.key(), c.groupId())), prefixes, sizes, leads);
    }

    /** Runs the start-up checks against the configured cluster; throws {@link KafkaPreflight.PreflightException} naming each problem. */
    public void check(C c) {
        KafkaPreflight.check(c.kafka(), preflight(c));
    }
}
