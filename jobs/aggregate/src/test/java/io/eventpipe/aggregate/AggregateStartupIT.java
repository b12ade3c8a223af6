package io.eventpipe.aggregate;

import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSchema.SchemaException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The results table is created when missing and checked when present; a mismatch stops start-up clearly. */
class AggregateStartupIT {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    private static AggregateConfig config(String url, String... sets) {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", "localhost:9092");
        m.put("kafka.preflight", "false");
        m.put("postgres.url", url);
        m.put("postgres.user", PG.user());
        m.put("sink.dlq.archive-path", "file:///tmp/eventpipe-startup/dead-letters");
        for (int i = 0; i < sets.length; i += 2) {
            m.put(sets[i], sets[i + 1]);
        }
        return AggregateConfig.from(Settings.of(m));
    }

    private static void sql(String url, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url, PG.user(), "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void missingTableIsCreatedAndThenAccepted() throws Exception {
        String url = PG.createDatabase("fresh");
        assertThatCode(() -> AggregateJob.startupChecks(config(url))).doesNotThrowAnyException();
        assertThatCode(() -> AggregateJob.startupChecks(config(url))).doesNotThrowAnyException();
    }

    @Test
    void missingTableWithoutPermissionToCreateItIsNamed() throws Exception {
        String url = PG.createDatabase("nocreate");
        assertThatThrownBy(() -> PostgresSchema.ensure(config(url, "postgres.create-table", "false").postgres()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table event_windows does not exist")
                .hasMessageContaining("deploy/sql/001_event_windows.sql");
    }

    @Test
    void tableOfAnotherShapeStopsStartUp() throws Exception {
        String url = PG.createDatabase("mismatch");
        sql(url, "CREATE TABLE event_windows (window_start timestamptz, window_end timestamptz, type text, "
                + "source text, event_count integer, first_event_time timestamptz, last_event_time timestamptz)");
        assertThatThrownBy(() -> AggregateJob.startupChecks(config(url)))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("column event_count is integer, expected bigint")
                .hasMessageContaining("column metrics is missing")
                .hasMessageContaining("primary key is missing");
    }

    @Test
    void unreachableDatabaseIsNamedWithoutThePassword() throws Exception {
        String url = "jdbc:postgresql://localhost:1/none";
        assertThatThrownBy(() -> AggregateJob.startupChecks(config(url, "postgres.password", "s3cr3t-pw")))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("cannot use PostgreSQL at jdbc:postgresql://localhost:1/none (postgres.url)")
                .hasMessageNotContaining("s3cr3t-pw");
    }
}
