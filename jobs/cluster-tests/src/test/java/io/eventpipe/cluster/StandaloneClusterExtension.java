package io.eventpipe.cluster;

import io.eventpipe.common.io.Directories;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link FlinkStandaloneCluster} for one test class, in a temporary directory deleted afterwards (the processes'
 * logs are kept under target/flink-logs):
 * {@code @RegisterExtension static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension();}.
 */
final class StandaloneClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private Path home;
    private FlinkStandaloneCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Files.createTempDirectory("eventpipe-flink-");
        cluster = FlinkStandaloneCluster.start(home.resolve("flink"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        if (home != null) {
            Directories.deleteRecursively(home);
        }
    }

    FlinkStandaloneCluster cluster() {
        return cluster;
    }
}
