package io.eventpipe.testkit.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Java installations other than the one running the tests, for test servers that need a newer Java than the jobs'
 * 17: {@code EVENTPIPE_JAVA21_HOME} if set, else the JDKs under {@code /usr/lib/jvm} (Debian's and Temurin's place),
 * judged by the {@code JAVA_VERSION} of their {@code release} file.
 */
public final class Jdks {
    /** The variable that names a Java 21 or later installation, where none is under /usr/lib/jvm. */
    public static final String VARIABLE = "EVENTPIPE_JAVA21_HOME";

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {}

    /** The {@code java} launcher of the newest installation of at least {@code major}, if there is one. */
    public static Optional<Path> javaOfAtLeast(int major) throws IOException {
        List<Path> homes = new ArrayList<>();
        String named = System.getenv(VARIABLE);
        if (named != null && !named.isBlank()) {
            homes.add(Path.of(named));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.sorted().forEach(homes::add);
            }
        }
        Path best = null;
        int bestMajor = 0;
        for (Path home : homes) {
            int m = major(home);
            Path java = home.resolve("bin/java");
            if (m >= major && m > bestMajor && Files.isExecutable(java)) {
                best = java;
                bestMajor = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The feature version in {@code home/release}, or 0 where there is none. */
    static int major(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Matcher m = VERSION.matcher(Files.readString(release));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
