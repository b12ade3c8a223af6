package io.eventpipe.cli;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.cli.backfill.AggregateBackfill;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eventpipe backfill aggregate}: recompute window rows for a time range from the lake. */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = "Recompute results from the lake.",
        subcommands = {BackfillCommand.Aggregate.class})
public final class BackfillCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "aggregate",
            mixinStandardHelpOptions = true,
            description = {
                "Recompute the aggregate job's window rows for [--from, --to) from the Parquet lake: the "
                        + "job's window logic (window.size, aggregate.metrics.*) in Flink's BATCH mode on this machine, "
                        + "over the lake's type=*/dt=<day> directories of the range; then, in one database "
                        + "transaction, the range's rows in event_windows are deleted and the recomputed ones written. "
                        + "Running it again gives the same rows.",
                "--from and --to must be window boundaries. Every event in the lake counts, including those the "
                        + "streaming job found too late."
            })
    static final class Aggregate implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "The aggregate job's configuration file (YAML).")
        Path config;

        @Option(names = "--set", description = "Override a configuration key: key=value.")
        List<String> sets = new ArrayList<>();

        @Option(
                names = "--lake",
                required = true,
                description = "The lake's root, as the ingest job's lake.path "
                        + "(file:///data/lake, or s3://... where Flink's S3 file system is installed).")
        String lake;

        @Option(
                names = "--from",
                required = true,
                description = "First instant of the range (ISO-8601 with a "
                        + "zone, a window boundary), e.g. 2026-11-01T00:00:00Z.")
        String from;

        @Option(names = "--to", required = true, description = "End of the range, exclusive (a window boundary).")
        String to;

        @Override
        public Integer call() throws Exception {
            AggregateBackfill backfill;
            try {
                AggregateConfig c =
                        AggregateConfig.from(JobArgs.of(config, sets).load());
                backfill = new AggregateBackfill(c, lake, Instants.parse("--from", from), Instants.parse("--to", to));
            } catch (ConfigException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            AggregateBackfill.Report r = backfill.run();
            System.out.printf(
                    Locale.ROOT,
                    "recomputed %,d windows of [%s, %s) from %d lake directories and wrote "
                            + "them in place of the range's rows (the range held %,d rows before)%n",
                    r.windows(),
                    from,
                    to,
                    r.directories(),
                    r.rowsReplaced());
            return 0;
        }
    }
}
