package io.eventpipe.cli.run;

import io.eventpipe.localkit.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;

/**
 * What the local run prints: a status line per period (each job's state and restarts, then the counts), a warning
 * line while a job fails, and at the end the summary and the latest window rows.
 */
final class StatusReport {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusReport.class);
    private final PrintStream out;
    private final FlinkRest rest;
    private final Traffic traffic;
    private final OutputCounter counter;
    private final Map<String, JobID> jobs = new LinkedHashMap<>();
    private final EmbeddedPostgres postgres;
    private final Path lake;
    private final long started = System.nanoTime();
    private final Map<String, Long> restartsSeen = new HashMap<>();

    StatusReport(
            PrintStream out,
            FlinkRest rest,
            Traffic traffic,
            OutputCounter counter,
            JobID ingestJob,
            JobID aggregateJob,
            EmbeddedPostgres postgres,
            Path lake) {
        this.out = out;
        this.rest = rest;
        this.traffic = traffic;
        this.counter = counter;
        this.jobs.put("ingest", ingestJob);
        this.jobs.put("aggregate", aggregateJob);
        this.postgres = postgres;
        this.lake = lake;
    }

    /** Each job's health, ingest first. */
    Map<String, FlinkRest.JobHealth> health() {
        Map<String, FlinkRest.JobHealth> health = new LinkedHashMap<>();
        jobs.forEach((name, id) -> health.put(name, rest.health(id)));
        return health;
    }

    /** Prints the status line, and a warning line for a job that is not running or restarted since the last. */
    void printStatus() {
        long secs = (System.nanoTime() - started) / 1_000_000_000L;
        long dups = duplicatesDropped();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%02d:%02d]", secs / 60, secs % 60));
        StringBuilder warnings = new StringBuilder();
        health().forEach((name, h) -> {
            line.append(' ').append(name).append(' ').append(h.state());
            if (h.restarts() > 0) {
                line.append(" (").append(h.restarts()).append(h.restarts() == 1 ? " restart)" : " restarts)");
            }
            line.append(" |");
            long before = restartsSeen.getOrDefault(name, 0L);
            restartsSeen.put(name, Math.max(before, h.restarts()));
            if (!h.running() || h.restarts() > before) {
                warnings.append(String.format(
                        Locale.ROOT,
                        "%n  ! %s job: %s",
                        name,
                        h.running() ? "running again after a restart" : h.state()));
                if (h.lastFailure() != null) {
                    warnings.append("; last failure: ").append(h.lastFailure());
                }
            }
        });
        line.append(String.format(
                Locale.ROOT,
                " produced %,d | clean %,d | duplicates dropped %s | "
                        + "dead-lettered %,d | lake files %s | windows written %s",
                traffic.produced(),
                counter.clean(),
                count(dups),
                counter.deadLettered(),
                count(lakeFiles(lake)),
                count(windows())));
        if (traffic.failed() > 0) {
            warnings.append(String.format(
                    Locale.ROOT,
                    "%n  ! traffic: %,d records not sent; first error: %s",
                    traffic.failed(),
                    traffic.firstFailure()));
        }
        out.println(line.append(warnings));
    }

    /** A count for the console: "-" when it could not be read (the reason is in the log file). */
    private static String count(long n) {
        return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
    }

    private long duplicatesDropped() {
        return rest.sum(jobs.get("ingest"), "duplicatesDropped");
    }

    /**
     * Waits until every produced record is accounted for (clean, dropped or dead-lettered); says so when it gives
     * up after the timeout.
     */
    void awaitSettled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long accounted = -1;
        while (System.nanoTime() < deadline) {
            long dups = duplicatesDropped();
            accounted = dups < 0 ? -1 : counter.clean() + dups + counter.deadLettered();
            if (accounted >= traffic.produced()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        out.printf(
                Locale.ROOT,
                "  not settled after %ds: %s of %,d produced records are not yet committed"
                        + " (clean, dropped or dead-lettered)%n",
                timeout.toSeconds(),
                accounted < 0 ? "some" : String.format(Locale.ROOT, "%,d", traffic.produced() - accounted),
                traffic.produced());
    }

    /** Prints the summary; returns whether both jobs were running at the end. */
    boolean printSummary() {
        Map<String, FlinkRest.JobHealth> health = health();
        long dups = duplicatesDropped();
        out.println();
        out.println("Summary");
        StringBuilder restarts = new StringBuilder();
        health.forEach((name, h) -> restarts.append(restarts.isEmpty() ? "" : ", ")
                .append(name)
                .append(' ')
                .append(h.restarts() < 0 ? "-" : Long.toString(h.restarts())));
        out.println("  restarts            " + restarts);
        health.forEach((name, h) -> {
            if (!h.running()) {
                out.printf(
                        Locale.ROOT,
                        "  ! %s job: %s; last failure: %s%n",
                        name,
                        h.state(),
                        h.lastFailure() == null ? "none reported" : h.lastFailure());
            }
        });
        out.printf(Locale.ROOT, "  produced            %,d%n", traffic.produced());
        if (traffic.failed() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  ! not sent          %,d; first error: %s%n",
                    traffic.failed(),
                    traffic.firstFailure());
        }
        out.printf(Locale.ROOT, "  clean (committed)   %,d%n", counter.clean());
        out.printf(Locale.ROOT, "  duplicates dropped  %s%n", count(dups));
        out.printf(Locale.ROOT, "  dead-lettered       %,d%n", counter.deadLettered());
        counter.deadLetteredByReason().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf(
                        Locale.ROOT, "    %-18s %,d%n", e.getKey(), e.getValue().get()));
        out.printf(Locale.ROOT, "  lake files          %s under %s%n", count(lakeFiles(lake)), lake);
        out.println("  query them, e.g. with DuckDB:  SELECT type, count(*) FROM read_parquet('" + lake
                + "/**/*.parquet') GROUP BY type;");
        printLatestWindows();
        return health.values().stream().allMatch(FlinkRest.JobHealth::running);
    }

    private long windows() {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM event_windows")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // undefined table: it appears when the aggregate job starts; until then there are none
            }
            LOG.warn("counting window rows", e);
            return -1;
        }
    }

    private void printLatestWindows() {
        out.println();
        out.println("Latest windows (event_windows)");
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT window_start, type, source, event_count, metrics::text "
                        + "FROM event_windows ORDER BY window_start DESC, type, source LIMIT 12")) {
            out.printf(
                    Locale.ROOT,
                    "  %-22s %-18s %-18s %7s  %s%n",
                    "window_start",
                    "type",
                    "source",
                    "events",
                    "metrics");
            while (rs.next()) {
                out.printf(
                        Locale.ROOT,
                        "  %-22s %-18s %-18s %7d  %s%n",
                        rs.getTimestamp(1).toInstant(),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5));
            }
        } catch (SQLException e) {
            out.println("  cannot read them: " + e.getMessage());
        }
    }

    /** Parquet files under the lake directory (0 while it does not exist). */
    static long lakeFiles(Path lake) {
        if (!Files.isDirectory(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .count();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return 0; // files move while the sink commits; the next status line counts again
            }
            LOG.warn("counting lake files", e);
            return -1;
        } catch (IOException e) {
            LOG.warn("counting lake files", e);
            return -1;
        }
    }
}
