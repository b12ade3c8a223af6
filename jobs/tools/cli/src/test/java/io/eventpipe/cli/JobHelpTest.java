package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.ingest.IngestConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --job}'s help names each job's topics as its description has them. */
class JobHelpTest {
    @Test
    void topicsAndTransactionsHelpListEachJobsTopics() {
        assertThat(IngestConfig.TOPICS.summary()).isEqualTo("ingest (input, clean, dlq)");
        assertThat(AggregateConfig.TOPICS.summary()).isEqualTo("aggregate (clean, results, late, dlq)");
        String expected = "ingest (input, clean, dlq), aggregate (clean, results, late, dlq)";
        CommandLine main = new CommandLine(new Main());
        assertThat(flat(main.getSubcommands().get("topics").getUsageMessage())).contains(expected);
        assertThat(flat(main.getSubcommands()
                        .get("transactions")
                        .getSubcommands()
                        .get("list")
                        .getUsageMessage()))
                .contains(expected);
    }

    /** Usage text with its line breaks and indentation folded to single spaces. */
    private static String flat(String usage) {
        return usage.replaceAll("\\s+", " ");
    }
}
