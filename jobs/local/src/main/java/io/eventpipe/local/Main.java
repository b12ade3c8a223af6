package io.eventpipe.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eventpipe} command: local run, producer and topic tools. */
@Command(name = "eventpipe", mixinStandardHelpOptions = true, version = "eventpipe 0.1.0",
        description = "Exactly-once event pipelines on Apache Flink.",
        subcommands = {RunCommand.class, ProduceCommand.class, TopicsCommand.class, SavepointCommand.class,
                CorpusCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }
}
