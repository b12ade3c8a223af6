package io.eventpipe.aggregate.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatenessRuleTest {
    private static final long MIN = 60_000;
    private final LatenessRule rule =
            new LatenessRule(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(2));

    @Test
    void anEventIsTooLateOnceItsPartitionPassedItsWindowEndPlusLatenessPlusOutOfOrderness() {
        long t = 10 * MIN + 5_000; // window [10 min, 11 min)
        long edge = 11 * MIN + 30_000 + 2_000;
        assertThat(rule.tooLate(t, Long.MIN_VALUE)).isFalse();
        assertThat(rule.tooLate(t, edge - 1)).isFalse();
        assertThat(rule.tooLate(t, edge)).isTrue();
        // the last millisecond of the window is judged by the same end
        assertThat(rule.tooLate(11 * MIN - 1, edge - 1)).isFalse();
        assertThat(rule.tooLate(11 * MIN - 1, edge)).isTrue();
        assertThat(rule.tooLate(11 * MIN, edge)).isFalse();
        // negative times and the ends of the range do not overflow
        assertThat(rule.tooLate(-1, 32_000)).isTrue(); // window [-1 min, 0)
        assertThat(rule.tooLate(-1, 31_999)).isFalse();
        assertThat(rule.tooLate(Long.MAX_VALUE, Long.MAX_VALUE - 1)).isFalse();
        assertThat(rule.tooLate(Long.MIN_VALUE, Long.MIN_VALUE)).isFalse();
    }

    /**
     * What the rule lets through finds its window open: for any order of records in a partition, an event the rule
     * accepts lies in a window whose closing time (end - 1 + lateness) is after every watermark the partition's
     * earlier records can have produced (largest timestamp - out-of-orderness - 1), and an event it refuses lies in a
     * window the watermark of those records closes.
     */
    @Test
    void acceptedEventsFindTheirWindowOpenUnderThePartitionsWatermark() {
        Random random = new Random(3);
        for (int run = 0; run < 1_000; run++) {
            long mark = Long.MIN_VALUE;
            for (int i = 0; i < 50; i++) {
                long t = 10 * MIN + random.nextInt((int) (5 * MIN));
                long end = rule.windowStart(t) + MIN;
                long watermark = mark == Long.MIN_VALUE ? Long.MIN_VALUE : mark - 2_000 - 1;
                assertThat(rule.tooLate(t, mark)).as("t=%d mark=%d", t, mark).isEqualTo(end - 1 + 30_000 <= watermark);
                mark = Math.max(mark, t);
            }
        }
    }
}
