package io.eventpipe.cli;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.common.kafka.JobTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code eventpipe topics create|check [--job aggregate] --config FILE}: a job's topics on a real cluster. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create the job's topics with the partitions, replication factor, min.insync.replicas and "
                + "retention of its config (topics.*), or check existing topics against them.")
public final class TopicsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "create or check")
    String action;

    @Option(
            names = "--job",
            defaultValue = "ingest",
            completionCandidates = ToolJob.Summaries.class,
            description = "Whose config and topics: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    String job;

    @Option(names = "--config", description = "Job configuration file (YAML).")
    Path config;

    @Option(names = "--set", description = "Override a configuration key: key=value.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Topics topics;
        List<JobTopics.Spec> specs;
        try {
            ToolJob j = ToolJob.load(job, JobArgs.of(config, sets).load());
            topics = new Topics(j.kafka(), j.layout());
            specs = j.specs();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        switch (action) {
            case "create" -> {
                topics.create(specs).forEach(System.out::println);
                return 0;
            }
            case "check" -> {
                List<String> problems = topics.check(specs);
                if (problems.isEmpty()) {
                    specs.forEach(s -> System.out.println("ok " + s.name()));
                    return 0;
                }
                problems.forEach(p -> System.out.println("MISMATCH " + p));
                return 1;
            }
            default -> {
                System.err.println("unknown action '" + action + "': use create or check");
                return 2;
            }
        }
    }
}
