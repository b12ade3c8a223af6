package io.eventpipe.cli;

import io.eventpipe.cli.run.RunCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code eventpipe} command: local run, producer and topic tools. */
@Command(
        name = "eventpipe",
        mixinStandardHelpOptions = true,
        version = "eventpipe 0.1.0",
        description = "Exactly-once event pipelines on Apache Flink.",
        subcommands = {
            RunCommand.class,
            ProduceCommand.class,
            TopicsCommand.class,
            SavepointCommand.class,
            CorpusCommand.class,
            DlqCommand.class,
            BackfillCommand.class,
            TransactionsCommand.class
        })
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its handling of failures. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::failed);
    }

    /**
     * A command that fails with an exception: one line naming the command and each cause on the console, the stack
     * trace in the log file.
     */
    static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        org.slf4j.LoggerFactory.getLogger(Main.class).error("eventpipe {} failed", command.getCommandName(), e);
        System.err.println("eventpipe " + command.getCommandName() + ": " + causes(e));
        System.err.println("  (stack trace in "
                + Path.of(System.getProperty("eventpipe.log.file", ".eventpipe/eventpipe.log"))
                        .toAbsolutePath() + ")");
        return 1;
    }

    /** The messages of an exception and its causes, each once, joined with ": ". */
    public static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.isEmpty() ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }
}
