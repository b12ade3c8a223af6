package io.eventpipe.cli.dlq;

import io.eventpipe.common.deadletter.Reason;
import java.time.Instant;
import java.util.Set;

/**
 * Which dead letters to replay; every bound is optional (null, or empty reasons: all).
 *
 * @param reasons the reasons to take; empty: every reason
 * @param from the input record's timestamp at or after this
 * @param to the input record's timestamp before this
 * @param partition the input record's partition
 * @param fromOffset the input record's offset at or after this
 * @param toOffset the input record's offset before this
 * @param max at most this many letters, in the dead-letter topic's order per partition
 */
public record Selection(
        Set<Reason> reasons, Instant from, Instant to, Integer partition, Long fromOffset, Long toOffset, long max) {

    public Selection {
        reasons = Set.copyOf(reasons);
        if (from != null && to != null && !to.isAfter(from)) {
            throw new IllegalArgumentException("--to " + to + " must be after --from " + from);
        }
        if (fromOffset != null && toOffset != null && toOffset <= fromOffset) {
            throw new IllegalArgumentException(
                    "--to-offset " + toOffset + " must be after --from-offset " + fromOffset);
        }
        if ((fromOffset != null || toOffset != null) && partition == null) {
            throw new IllegalArgumentException("an offset range needs --partition: offsets are per partition");
        }
        if (max <= 0) {
            throw new IllegalArgumentException("--max must be at least 1");
        }
    }

    /** Whether the letter is selected (the maximum aside). */
    public boolean matches(Letter l) {
        return (reasons.isEmpty() || reasons.contains(l.reason()))
                && (from == null || l.sourceTimestamp() >= from.toEpochMilli())
                && (to == null || l.sourceTimestamp() < to.toEpochMilli())
                && (partition == null || l.sourcePartition() == partition)
                && (fromOffset == null || l.sourceOffset() >= fromOffset)
                && (toOffset == null || l.sourceOffset() < toOffset);
    }
}
