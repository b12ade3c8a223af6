package io.eventpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.cli.tx.LingeringTransactions;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eventpipe transactions list|abort}: the open Kafka transactions of a job's transactional sinks, which hold
 * back {@code read_committed} readers, and ending them once the job that left them is gone.
 */
@Command(
        name = "transactions",
        mixinStandardHelpOptions = true,
        description = "Show or end the open Kafka transactions of a job's exactly-once sinks "
                + "(sink.*.transactional-id-prefix): a transaction a dead writer left open holds back every "
                + "read_committed reader of its partitions until sink.transaction-timeout.",
        subcommands = {TransactionsCommand.ListOpen.class, TransactionsCommand.Abort.class})
public final class TransactionsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The job whose transactions: its kind, configuration and overrides. */
    static final class JobOptions {
        @Option(
                names = "--job",
                defaultValue = "ingest",
                completionCandidates = ToolJob.Summaries.class,
                description = "Whose transactions: ${COMPLETION-CANDIDATES}, whose sinks write the topics after "
                        + "the first. Default: ${DEFAULT-VALUE}.")
        String job;

        @Option(names = "--config", required = true, description = "The job's configuration file (YAML).")
        Path config;

        @Option(names = "--set", description = "Override a configuration key: key=value.")
        List<String> sets = new ArrayList<>();

        /** The job, or null after printing the configuration's problems. */
        ToolJob loadOrReport() {
            try {
                return load();
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return null;
            }
        }

        ToolJob load() {
            return ToolJob.load(job, JobArgs.of(config, sets).load());
        }
    }

    static void print(List<LingeringTransactions.Open> open, Instant now) {
        for (LingeringTransactions.Open t : open) {
            System.out.printf(
                    "%s  %s  age %s  producer %d epoch %d  timeout %s%n",
                    t.transactionalId(),
                    t.state(),
                    human(t.age(now)),
                    t.producerId(),
                    t.producerEpoch(),
                    human(t.timeout()));
            for (LingeringTransactions.Partition p : t.partitions()) {
                System.out.printf(
                        "    %s  last stable offset %,d  high watermark %,d  holds back %,d records%n",
                        p.partition(), p.lastStableOffset(), p.highWatermark(), p.heldBack());
            }
        }
    }

    private static String human(Duration d) {
        return org.apache.flink.util.TimeUtils.formatWithHighestUnit(Duration.ofSeconds(d.toSeconds()));
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "List the job's open transactions at the brokers: transactional id, state, age, and "
                        + "for each partition it wrote to the last stable offset, the high watermark and how many "
                        + "records read_committed readers cannot see yet.",
                "Exit codes: 0 none open, 1 some open, 2 a usage or configuration error."
            })
    static final class ListOpen implements Callable<Integer> {
        @Mixin
        JobOptions options;

        @Override
        public Integer call() throws Exception {
            ToolJob job = options.loadOrReport();
            if (job == null) {
                return 2;
            }
            List<LingeringTransactions.Open> open =
                    new LingeringTransactions(job.kafka(), job.transactionalIdPrefixes()).find();
            if (open.isEmpty()) {
                System.out.println("no open transaction with the prefixes " + job.transactionalIdPrefixes());
                return 0;
            }
            print(open, Instant.now());
            System.out.println(open.size() + " open transaction(s) with the prefixes " + job.transactionalIdPrefixes());
            return 1;
        }
    }

    @Command(
            name = "abort",
            mixinStandardHelpOptions = true,
            description = {
                "End the job's open transactions, as its Kafka sink does on restart: a producer with "
                        + "each transactional id initializes, which fences the writer that left it and has the "
                        + "transaction aborted; read_committed readers then move past it. Only ids of the job's "
                        + "prefixes are touched.",
                "For a job that will not be resumed from its latest checkpoint (deleted, or given other "
                        + "prefixes): a job resumed from a checkpoint ends its own transactions and commits "
                        + "those its checkpoint holds, and aborting one of those before loses its records.",
                "Refuses while the job runs: give --flink-rest to have it checked, or --job-not-running once "
                        + "you know that no instance of the job is running (an aborted transaction of a "
                        + "running job fails it, and it restarts from its checkpoint).",
                "Exit codes: 0 all ended, 1 a failure or one still open, 2 a usage or configuration error, "
                        + "or the job is running."
            })
    static final class Abort implements Callable<Integer> {
        private static final Set<String> OVER = Set.of("FINISHED", "CANCELED", "FAILED", "SUSPENDED");

        @Mixin
        JobOptions options;

        @Option(
                names = "--flink-rest",
                description = "Flink's REST address (https://jobmanager:8081), to check "
                        + "that no job named job.name is running. HTTPS trusts the JVM's trust store "
                        + "(-Djavax.net.ssl.trustStore=...).")
        URI flinkRest;

        @Option(names = "--job-not-running", description = "Skip the check: no instance of the job is running.")
        boolean jobNotRunning;

        @Override
        public Integer call() throws Exception {
            ToolJob job = options.loadOrReport();
            if (job == null) {
                return 2;
            }
            if (!jobNotRunning) {
                if (flinkRest == null) {
                    System.err.println("abort needs --flink-rest (to check that job " + job.name()
                            + " is not running) or --job-not-running");
                    return 2;
                }
                String running = runningJob(flinkRest, job.name());
                if (running != null) {
                    System.err.println("job " + job.name() + " is running (" + running + "); its open transactions "
                            + "are its own: stop it first");
                    return 2;
                }
            }
            LingeringTransactions transactions = new LingeringTransactions(job.kafka(), job.transactionalIdPrefixes());
            List<LingeringTransactions.Open> open = transactions.find();
            if (open.isEmpty()) {
                System.out.println("no open transaction with the prefixes " + job.transactionalIdPrefixes());
                return 0;
            }
            print(open, Instant.now());
            int stillOpen = 0;
            for (var e : transactions.abort(open).entrySet()) {
                boolean ended = !LingeringTransactions.isOpen(e.getValue());
                stillOpen += ended ? 0 : 1;
                // CompleteAbort, or CompleteCommit for one whose commit had begun: the coordinator finishes that
                System.out.println((ended ? "ended " : "STILL OPEN ") + e.getKey() + " (" + e.getValue() + ")");
            }
            return stillOpen == 0 ? 0 : 1;
        }

        /** The id and state of a job named {@code name} that is not over, or null when there is none. */
        static String runningJob(URI rest, String name) throws Exception {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> r;
            try {
                r = http.send(
                        HttpRequest.newBuilder(rest.resolve("/jobs/overview"))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(
                        "cannot ask Flink's REST API at " + rest + " whether the job runs (" + e.getMessage()
                                + "); if no instance of it runs, use --job-not-running",
                        e);
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("Flink's REST API at " + rest + " answered " + r.statusCode()
                        + " to /jobs/overview; if no instance of the job runs, use --job-not-running");
            }
            for (JsonNode j : new ObjectMapper().readTree(r.body()).path("jobs")) {
                if (name.equals(j.path("name").asText())
                        && !OVER.contains(j.path("state").asText())) {
                    return j.path("jid").asText() + " " + j.path("state").asText();
                }
            }
            return null;
        }
    }
}
