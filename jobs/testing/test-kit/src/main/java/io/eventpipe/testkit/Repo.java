package io.eventpipe.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the checkout outside the modules (deploy/, docs/, README.md), wherever the module running a test sits. */
public final class Repo {
    private static final Path ROOT = find();

    private Repo() {}

    /** {@code relative} under the checkout's root, the directory that holds {@code mvnw} and {@code schemas/}. */
    public static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    private static Path find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("schemas"))) {
                return p;
            }
        }
        throw new IllegalStateException("no checkout (a directory with mvnw and schemas/) above " + start);
    }
}
