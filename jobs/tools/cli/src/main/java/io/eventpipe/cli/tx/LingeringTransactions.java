package io.eventpipe.cli.tx;

import io.eventpipe.common.kafka.KafkaConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The open Kafka transactions of one job's transactional sinks, found with the Admin API, and ending them.
 *
 * <p>A transactional id belongs to the job when it is one of its prefixes followed by the Kafka sink's
 * {@code -<subtask>-<number>}, nothing else. An open transaction holds back the last stable offset of each partition
 * it wrote to: a {@code read_committed} reader of that partition sees nothing past it until the transaction ends.
 * Ending it the way the Kafka sink itself does on restart (a producer with the same transactional id initializes
 * and so fences it, and the coordinator aborts it and writes the abort markers) needs only the WRITE permission on
 * the job's transactional ids that the job's own principal has, not the cluster permission that writing markers
 * directly ({@code kafka-transactions.sh abort}) takes.
 */
public final class LingeringTransactions {
    /** The states of a transaction that is not over. */
    private static final Set<TransactionState> OPEN = Set.of(
            TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT,
            TransactionState.PREPARE_EPOCH_FENCE);

    private final KafkaConnection kafka;
    private final List<Pattern> ids;

    /**
     * @param prefixes the job's transactional-id prefixes ({@code sink.*.transactional-id-prefix})
     */
    public LingeringTransactions(KafkaConnection kafka, List<String> prefixes) {
        this.kafka = kafka;
        this.ids = prefixes.stream()
                .map(p -> Pattern.compile(Pattern.quote(p) + "-\\d+-\\d+"))
                .toList();
    }

    /** Whether a transaction in this state is not over yet. */
    public static boolean isOpen(TransactionState state) {
        return OPEN.contains(state);
    }

    /** Whether {@code transactionalId} is one of the job's. */
    public boolean owns(String transactionalId) {
        return ids.stream().anyMatch(p -> p.matcher(transactionalId).matches());
    }

    /** One partition an open transaction wrote to, and how far it holds back readers there. */
    public record Partition(TopicPartition partition, long lastStableOffset, long highWatermark) {
        /** Records that {@code read_committed} readers cannot see yet. */
        public long heldBack() {
            return Math.max(0, highWatermark - lastStableOffset);
        }
    }

    /** An open transaction of the job. */
    public record Open(
            String transactionalId,
            TransactionState state,
            long producerId,
            short producerEpoch,
            Instant started,
            Duration timeout,
            List<Partition> partitions) {
        public Duration age(Instant now) {
            return started == null ? Duration.ZERO : Duration.between(started, now);
        }
    }

    private Admin admin() {
        return Admin.create(kafka.adminConfig());
    }

    private <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) throws Exception {
        try {
            return future.get(kafka.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(what + ": Kafka brokers at " + kafka.bootstrapServers()
                    + " (kafka.bootstrap-servers) did not answer within " + kafka.requestTimeout());
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The job's open transactions, oldest first. */
    public List<Open> find() throws Exception {
        try (Admin admin = admin()) {
            List<String> mine = new ArrayList<>();
            for (TransactionListing t : get(
                    admin.listTransactions(new ListTransactionsOptions().filterStates(OPEN))
                            .all(),
                    "listing transactions")) {
                if (owns(t.transactionalId())) {
                    mine.add(t.transactionalId());
                }
            }
            if (mine.isEmpty()) {
                return List.of();
            }
            Map<String, TransactionDescription> described =
                    get(admin.describeTransactions(mine).all(), "describing transactions");
            Set<TopicPartition> partitions = new java.util.HashSet<>();
            described.values().forEach(d -> partitions.addAll(d.topicPartitions()));
            Map<TopicPartition, Long> stable = latest(admin, partitions, IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> high = latest(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
            List<Open> open = new ArrayList<>();
            for (var e : described.entrySet()) {
                TransactionDescription d = e.getValue();
                if (!isOpen(d.state())) {
                    continue; // ended between the listing and the description
                }
                List<Partition> ps = d.topicPartitions().stream()
                        .sorted(Comparator.comparing(TopicPartition::toString))
                        .map(tp -> new Partition(tp, stable.getOrDefault(tp, -1L), high.getOrDefault(tp, -1L)))
                        .toList();
                open.add(new Open(
                        e.getKey(),
                        d.state(),
                        d.producerId(),
                        (short) d.producerEpoch(),
                        d.transactionStartTimeMs().isPresent()
                                ? Instant.ofEpochMilli(
                                        d.transactionStartTimeMs().getAsLong())
                                : null,
                        Duration.ofMillis(d.transactionTimeoutMs()),
                        ps));
            }
            open.sort(Comparator.comparing((Open o) -> o.started() == null ? Instant.MAX : o.started())
                    .thenComparing(Open::transactionalId));
            return open;
        }
    }

    private Map<TopicPartition, Long> latest(Admin admin, Set<TopicPartition> partitions, IsolationLevel isolation)
            throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> info = get(
                admin.listOffsets(request, new ListOffsetsOptions(isolation)).all(), "reading the partitions' offsets");
        Map<TopicPartition, Long> out = new HashMap<>();
        info.forEach((tp, i) -> out.put(tp, i.offset()));
        return out;
    }

    /**
     * Ends each of the given transactions of the job: a producer with its transactional id initializes, which
     * fences the dead writer and has the coordinator abort the transaction. Waits until none of them is open any
     * more, up to {@code kafka.request-timeout} after the last; returns the state each was left in.
     *
     * @throws IllegalArgumentException for an id that is not the job's
     */
    public Map<String, TransactionState> abort(List<Open> transactions) throws Exception {
        for (Open t : transactions) {
            if (!owns(t.transactionalId())) {
                throw new IllegalArgumentException(
                        "transactional id " + t.transactionalId() + " is not one of the job's");
            }
        }
        for (Open t : transactions) {
            var props = kafka.producerConfig();
            props.setProperty("transactional.id", t.transactionalId());
            props.setProperty(
                    "max.block.ms", Long.toString(kafka.requestTimeout().toMillis()));
            try (KafkaProducer<byte[], byte[]> p =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                p.initTransactions();
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new IllegalStateException(
                        "cannot end transaction " + t.transactionalId() + ": " + e.getMessage(), e);
            }
        }
        Map<String, TransactionState> states = new LinkedHashMap<>();
        List<String> ids = transactions.stream().map(Open::transactionalId).toList();
        long deadline = System.nanoTime() + kafka.requestTimeout().toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Map<String, TransactionDescription> d =
                        get(admin.describeTransactions(ids).all(), "describing transactions");
                boolean open = false;
                for (String id : ids) {
                    TransactionState state = d.get(id).state();
                    states.put(id, state);
                    open |= isOpen(state);
                }
                if (!open || System.nanoTime() > deadline) {
                    return states;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }
}
