package io.eventpipe.cli;

import io.eventpipe.cli.dlq.DeadLetterReplay;
import io.eventpipe.cli.dlq.Selection;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.ingest.IngestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eventpipe dlq replay}: dead letters of the ingest job back into its input, after a fix. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Work with the ingest job's dead letters.",
        subcommands = {DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Publish selected dead letters' original key, value and timestamp again, to the input "
                        + "topic (or --to-topic), one Kafka transaction per batch, each with a header "
                        + "eventpipe.replay.of naming its letter. The ingest job then judges them again: events that "
                        + "pass now become clean (an id it still remembers is dropped as a repeat), the others go back "
                        + "to the dead-letter topic with their reason.",
                "With --dry-run, publishes nothing and prints, by reason, how many selected letters pass the "
                        + "current validation rules and contracts (of --config) and how many would fail again."
            })
    static final class Replay implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "The ingest job's configuration file (YAML).")
        Path config;

        @Option(names = "--set", description = "Override a configuration key: key=value.")
        List<String> sets = new ArrayList<>();

        @Option(
                names = "--reason",
                split = ",",
                description = "Only letters of these reasons (repeat, or " + "comma-separated), e.g. PAYLOAD_CONTRACT.")
        List<String> reasons = new ArrayList<>();

        @Option(
                names = "--from",
                description = "Only input records stamped at or after this instant "
                        + "(ISO-8601 with a zone, e.g. 2026-11-01T00:00:00Z).")
        String from;

        @Option(names = "--to", description = "Only input records stamped before this instant.")
        String to;

        @Option(names = "--partition", description = "Only input records of this input partition.")
        Integer partition;

        @Option(
                names = "--from-offset",
                description = "Only input records at or after this offset (with " + "--partition).")
        Long fromOffset;

        @Option(names = "--to-offset", description = "Only input records before this offset (with --partition).")
        Long toOffset;

        @Option(names = "--max", defaultValue = "" + Long.MAX_VALUE, description = "At most this many letters.")
        long max;

        @Option(names = "--dry-run", description = "Publish nothing; print what would pass now.")
        boolean dryRun;

        @Option(names = "--to-topic", description = "Publish here instead of topics.input.")
        String toTopic;

        @Option(
                names = "--archive",
                description = "A local copy of the dead-letter archive's root (for letters "
                        + "cut to fit the topic, when the archive is not on this machine's file system).")
        Path archive;

        @Option(
                names = "--batch",
                defaultValue = "500",
                description = "Records per transaction. Default: " + "${DEFAULT-VALUE}.")
        int batch;

        @Option(
                names = "--transactional-id",
                description = "The replay producer's transactional id. Default: " + "job.name + \"-dlq-replay\".")
        String transactionalId;

        @Option(
                names = "--idle-timeout",
                defaultValue = "60s",
                description = "Give up when the dead-letter topic "
                        + "gives nothing for this long before its end. Default: ${DEFAULT-VALUE}.")
        String idleTimeout;

        @Override
        public Integer call() throws Exception {
            IngestConfig c;
            Selection selection;
            Duration idle;
            try {
                c = IngestConfig.from(JobArgs.of(config, sets).load());
                selection = new Selection(
                        reasons(),
                        Instants.parse("--from", from),
                        Instants.parse("--to", to),
                        partition,
                        fromOffset,
                        toOffset,
                        max);
                idle = org.apache.flink.util.TimeUtils.parseDuration(idleTimeout);
                if (batch < 1) {
                    throw new IllegalArgumentException("--batch must be at least 1");
                }
            } catch (ConfigException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            String target = toTopic != null ? toTopic : c.inputTopic();
            String txId =
                    transactionalId != null ? transactionalId : c.runtime().jobName() + "-dlq-replay";
            DeadLetterReplay replay = new DeadLetterReplay(c, selection, target, archive, batch, txId, idle);
            DeadLetterReplay.Report r = dryRun ? replay.dryRun() : replay.replay();
            print(r, c, target, txId);
            return 0;
        }

        private void print(DeadLetterReplay.Report r, IngestConfig c, String target, String txId) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: %,d records read, %,d selected%s%n",
                    c.dlqTopic(),
                    r.read,
                    r.selectedTotal(),
                    r.notLetters > 0 ? ", " + r.notLetters + " not eventpipe dead letters (skipped)" : "");
            if (dryRun) {
                System.out.println(
                        "dry run: nothing published; judged with the validation rules and contracts of " + config);
                System.out.println("| reason | selected | would pass now | would fail again |");
                System.out.println("|---|---:|---:|---|");
                r.selected.forEach((reason, n) -> System.out.printf(
                        Locale.ROOT,
                        "| %s | %,d | %,d | %s |%n",
                        reason,
                        n,
                        r.wouldPass.getOrDefault(reason, 0L),
                        failures(r.wouldFail.get(reason))));
            } else {
                long total =
                        r.replayed.values().stream().mapToLong(Long::longValue).sum();
                System.out.printf(
                        Locale.ROOT,
                        "replayed %,d dead letters to %s in %d transaction(s) " + "(transactional id %s)%n",
                        total,
                        target,
                        r.transactions,
                        txId);
                r.replayed.forEach((reason, n) -> System.out.printf(Locale.ROOT, "  %s: %,d%n", reason, n));
            }
            r.missingFromArchive.forEach((dir, n) -> System.out.printf(
                    Locale.ROOT,
                    "%,d cut letter(s) not found in the archive %s: not %s%n",
                    n,
                    dir,
                    dryRun ? "judged" : "replayed"));
        }

        private static String failures(Map<Reason, Long> byNewReason) {
            if (byNewReason == null) {
                return "0";
            }
            List<String> parts = new ArrayList<>();
            byNewReason.forEach((reason, n) -> parts.add(String.format(Locale.ROOT, "%,d %s", n, reason)));
            return String.join(", ", parts);
        }

        private Set<Reason> reasons() {
            Set<Reason> set = EnumSet.noneOf(Reason.class);
            for (String r : reasons) {
                try {
                    set.add(Reason.valueOf(r.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "--reason: unknown reason '" + r + "'; one of " + EnumSet.allOf(Reason.class));
                }
            }
            return set;
        }
    }
}
