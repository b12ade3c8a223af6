package io.eventpipe.testkit.cluster;

import io.eventpipe.common.io.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link FlinkStandaloneCluster} for one test class, in a temporary directory deleted afterwards (the processes'
 * logs are kept under target/flink-logs):
 * {@code @RegisterExtension static final StandaloneClusterExtension FLINK = new StandaloneClusterExtension();}.
 */
public final class StandaloneClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<Map<String, String>> extraConfig;
    private Path home;
    private FlinkStandaloneCluster cluster;

    /** A cluster with {@code deploy/standalone/config.yaml} as it is (only ports, directories and memory changed). */
    public StandaloneClusterExtension() {
        this(Map::of);
    }

    /**
     * A cluster whose {@code config.yaml} also holds {@code extraConfig}, asked for when the cluster starts: after
     * the extensions registered before this one have started (such as the server whose port it names).
     */
    public StandaloneClusterExtension(Supplier<Map<String, String>> extraConfig) {
        this.extraConfig = extraConfig;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Files.createTempDirectory("eventpipe-flink-");
        cluster = FlinkStandaloneCluster.start(home.resolve("flink"), extraConfig.get());
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

    public FlinkStandaloneCluster cluster() {
        return cluster;
    }
}
