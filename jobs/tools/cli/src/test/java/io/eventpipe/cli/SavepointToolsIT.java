package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.testkit.Repo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The savepoint tools on the golden savepoints of release 0.1.0. */
class SavepointToolsIT {
    private static final String INGEST =
            Repo.path("jobs/ingest/src/test/resources/savepoints/0.1.0/ingest").toString();
    private static final String AGGREGATE = Repo.path("jobs/aggregate/src/test/resources/savepoints/0.1.0/aggregate")
            .toString();

    @TempDir
    Path tmp;

    @Test
    void inspectNamesOperatorsByUidWithStatesAndKeyCounts() {
        String ingest = CommandRun.ok("savepoint", "inspect", INGEST);
        assertThat(ingest)
                .containsPattern("ingest-kafka-source +2 +128")
                .contains("Sink Committer: ingest-clean-sink")
                .contains("ingest-dedup: keyed state 'first-seen' (event id → first seen), 60 keys");
        String aggregate = CommandRun.ok("savepoint", "inspect", AGGREGATE);
        assertThat(aggregate)
                .contains("aggregate-windows: keyed states 'windows', 'closed-up-to'")
                .contains("1 keys");
    }

    @Test
    void pruneDedupDropsEntriesFirstSeenBeforeTheCutoffAndKeepsTheRest() {
        Path none = tmp.resolve("none");
        CommandRun.ok(
                "savepoint",
                "prune-dedup",
                INGEST,
                "--older-than",
                "2100-01-01T00:00:00Z",
                "--output",
                none.toString());
        assertThat(CommandRun.ok("savepoint", "inspect", none.toString()))
                .contains("ingest-dedup: keyed state 'first-seen' (event id → first seen), 0 keys")
                .contains("ingest-kafka-source"); // the other operators' state is carried over
        Path all = tmp.resolve("all");
        CommandRun.ok(
                "savepoint", "prune-dedup", INGEST, "--older-than", "2000-01-01T00:00:00Z", "--output", all.toString());
        assertThat(CommandRun.ok("savepoint", "inspect", all.toString()))
                .contains("ingest-dedup: keyed state 'first-seen' (event id → first seen), 60 keys");
    }
}
