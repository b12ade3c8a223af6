package io.eventpipe.local;

import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.JobArgs;
import io.eventpipe.ingest.IngestConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code eventpipe topics create|check --config ingest.yaml}: the job's topics on a real cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the job's topics with the partitions, replication factor, min.insync.replicas and "
                + "retention of its config (topics.*), or check existing topics against them.")
final class TopicsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "create or check")
    String action;

    @Option(names = "--config", description = "Job configuration file (YAML).")
    Path config;

    @Option(names = "--set", description = "Override a configuration key: key=value.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        sets.forEach(s -> {
            args.add("--set");
            args.add(s);
        });
        IngestConfig c;
        try {
            c = IngestConfig.from(JobArgs.parse(args.toArray(String[]::new)).load());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Topics topics = new Topics(c.kafka(), c.topicLayout());
        List<Topics.Spec> specs = specs(c);
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

    static List<Topics.Spec> specs(IngestConfig c) {
        var l = c.topicLayout();
        return List.of(new Topics.Spec(c.inputTopic(), l.retention()), new Topics.Spec(c.cleanTopic(), l.retention()),
                new Topics.Spec(c.dlqTopic(), l.deadLetterRetention()));
    }
}
