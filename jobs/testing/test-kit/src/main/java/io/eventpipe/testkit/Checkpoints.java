package io.eventpipe.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** Completed checkpoints of a job on a MiniCluster: tests wait for them instead of sleeping. */
public final class Checkpoints {
    private Checkpoints() {}

    public static long completed(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get(10, TimeUnit.SECONDS)
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    /** Waits for {@code more} checkpoints to complete from now on. */
    public static void await(MiniCluster cluster, JobID job, int more) throws Exception {
        long target = completed(cluster, job) + more;
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> completed(cluster, job) >= target);
    }
}
