package io.eventpipe.common.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Golden savepoints: a savepoint of a job taken with a released version lives in the job module's
 * {@code src/test/resources/savepoints/<version>/<job>/}; a test restores every one with the current code. Written by
 * {@code jobs/regenerate-golden-savepoints <version>}.
 */
public final class GoldenSavepoints {
    private GoldenSavepoints() {}

    /** Where a module keeps its golden savepoints, relative to the module directory. */
    public static final Path SOURCE_DIR = Path.of("src/test/resources/savepoints");

    /** Released versions that have a golden savepoint of {@code job} on the test classpath, oldest first. */
    public static List<Path> savepoints(Class<?> test, String job) throws Exception {
        var root = test.getResource("/savepoints");
        List<Path> out = new ArrayList<>();
        if (root == null) {
            return out;
        }
        try (Stream<Path> versions = Files.list(Path.of(root.toURI()))) {
            for (Path v : versions.sorted().toList()) {
                if (Files.exists(v.resolve(job).resolve("_metadata"))) {
                    out.add(v.resolve(job));
                }
            }
        }
        return out;
    }

    /** Job configuration that restores from {@code savepoint}. */
    public static Configuration restoringFrom(Configuration jobConfig, Path savepoint) {
        Configuration c = new Configuration(jobConfig);
        c.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        return c;
    }

    /**
     * Stops the job with a canonical savepoint, without draining (open windows stay open), and copies it to
     * {@code SOURCE_DIR/<version>/<job>}.
     */
    public static Path stopAndKeep(JobClient job, Path scratch, String version, String name) throws Exception {
        String location = job.stopWithSavepoint(false, scratch.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        Path target = SOURCE_DIR.resolve(version).resolve(name);
        deleteRecursively(target);
        copyRecursively(Path.of(URI.create(location.startsWith("file:/") && !location.startsWith("file:///")
                ? "file://" + location.substring("file:".length()) : location)), target);
        return target;
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
