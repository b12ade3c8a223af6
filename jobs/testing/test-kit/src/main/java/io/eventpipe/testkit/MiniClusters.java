package io.eventpipe.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster the job tests run on. */
public final class MiniClusters {
    private MiniClusters() {}

    /** One TaskManager with two slots: room for a job at parallelism 2, and one process to kill for a failure. */
    public static MiniClusterExtension oneTaskManager() {
        return oneTaskManager(new Configuration());
    }

    /** {@link #oneTaskManager()} with extra cluster settings (such as a metrics reporter). */
    public static MiniClusterExtension oneTaskManager(Configuration config) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .setConfiguration(config)
                .build());
    }
}
