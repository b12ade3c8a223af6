package io.eventpipe.testkit;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** How often a job on a MiniCluster has restarted. */
public final class Restarts {
    private Restarts() {}

    /** The highest attempt number of any task: 0 while no task has ever failed. */
    public static int of(MiniCluster cluster, JobID job) throws Exception {
        int max = 0;
        for (AccessExecutionVertex v :
                cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS).getAllExecutionVertices()) {
            max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return max;
    }
}
