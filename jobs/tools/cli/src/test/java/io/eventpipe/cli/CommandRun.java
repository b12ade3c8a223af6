package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Runs the {@code eventpipe} command line in the test's JVM, as {@code ./eventpipe} would, capturing its output. */
final class CommandRun {
    /** Exit code and everything printed on standard output and standard error. */
    record Result(int code, String output) {}

    private CommandRun() {}

    static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            int code = Main.commandLine().execute(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Runs the command, asserts that it succeeded, and returns what it printed. */
    static String ok(String... args) {
        Result r = run(args);
        assertThat(r.code()).as(Arrays.toString(args) + ":\n" + r.output()).isZero();
        return r.output();
    }

    /** Writes {@code settings} to {@code file} as a YAML configuration (flat keys, quoted values). */
    static Path yaml(Path file, Map<String, String> settings) throws Exception {
        StringBuilder yaml = new StringBuilder();
        settings.forEach((k, v) -> yaml.append(k)
                .append(": \"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n"));
        return Files.writeString(file, yaml.toString());
    }
}
