package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What ./eventpipe runs on (target/classpath.txt, the module's runtime classpath, written at package) carries the
 * local kit and no test library: no JUnit, AssertJ, Awaitility, Flink's test utilities or the test kit.
 */
class ShippedClasspathIT {
    @Test
    void theCommandShipsNoTestLibrary() throws Exception {
        List<String> jars = Arrays.stream(Files.readString(Path.of("target/classpath.txt"))
                        .strip()
                        .split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString())
                .toList();
        assertThat(jars)
                .anyMatch(j -> j.startsWith("eventpipe-local-kit-"))
                .anyMatch(j -> j.startsWith("kafka_2.13-"))
                .noneMatch(j -> j.startsWith("junit-")
                        || j.startsWith("assertj-")
                        || j.startsWith("awaitility-")
                        || j.startsWith("opentest4j-")
                        || j.startsWith("flink-test-utils")
                        || j.startsWith("eventpipe-test-kit-"));
    }
}
