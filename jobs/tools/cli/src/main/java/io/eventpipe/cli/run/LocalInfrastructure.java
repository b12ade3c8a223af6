package io.eventpipe.cli.run;

import io.eventpipe.localkit.embedded.EmbeddedKafka;
import io.eventpipe.localkit.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The local run's Kafka broker and PostgreSQL. Their start-up output (Kafka's storage formatter prints to standard
 * output) goes to the log file, so the console shows only the local run's own lines.
 */
final class LocalInfrastructure implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;

    private LocalInfrastructure(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static LocalInfrastructure start(Path data, Path log) throws Exception {
        EmbeddedKafka kafka = intoLog(log, EmbeddedKafka::start);
        try {
            return new LocalInfrastructure(kafka, intoLog(log, () -> EmbeddedPostgres.start(data.resolve("postgres"))));
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    EmbeddedPostgres postgres() {
        return postgres;
    }

    /** Runs {@code start} with the console's output going to the log file. */
    private static <T> T intoLog(Path log, Callable<T> start) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Files.createDirectories(log.toAbsolutePath().getParent());
        try (PrintStream toLog =
                new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8)) {
            System.setOut(toLog);
            System.setErr(toLog);
            return start.call();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            postgres.close();
        } finally {
            kafka.close();
        }
    }
}
