package io.eventpipe.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSchema.SchemaException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    private static List<String> rows(String url, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, PG.user(), "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(query)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(r.getString(i));
                }
                rows.add(String.join(" ", row));
            }
        }
        return rows;
    }

    /** Columns of event_windows: name, type, nullable, default (where it has one). */
    private static List<String> columns(String url) throws Exception {
        return rows(
                url,
                "SELECT column_name, data_type, is_nullable, coalesce(column_default, '-') "
                        + "FROM information_schema.columns WHERE table_name = 'event_windows' ORDER BY ordinal_position");
    }

    @Test
    void missingTableIsCreatedAndThenAccepted() throws Exception {
        String url = PG.createDatabase("fresh");
        assertThat(columns(url)).isEmpty();
        AggregateJob.startupChecks(config(url));
        // the table of deploy/sql/001_event_windows.sql, column by column, with its keys and index
        List<String> expected = List.of(
                "window_start timestamp with time zone NO -",
                "window_end timestamp with time zone NO -",
                "type text NO -",
                "source text NO -",
                "event_count bigint NO -",
                "first_event_time timestamp with time zone NO -",
                "last_event_time timestamp with time zone NO -",
                "metrics jsonb NO '{}'::jsonb",
                "updated_at timestamp with time zone NO now()");
        assertThat(columns(url)).containsExactlyElementsOf(expected);
        assertThat(rows(
                        url,
                        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                                + "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'event_windows'::regclass AND i.indisprimary "
                                + "ORDER BY array_position(i.indkey, a.attnum)"))
                .containsExactly("window_start", "type", "source");
        assertThat(rows(
                        url,
                        "SELECT indexdef FROM pg_indexes WHERE tablename = 'event_windows' "
                                + "AND indexname = 'event_windows_type_start'"))
                .singleElement()
                .asString()
                .endsWith("(type, window_start)");
        // a second start finds the table as it should be, and leaves it so
        AggregateJob.startupChecks(config(url));
        assertThat(columns(url)).containsExactlyElementsOf(expected);
    }

    @Test
    void missingTableWithoutPermissionToCreateItIsNamed() throws Exception {
        String url = PG.createDatabase("nocreate");
        assertThatThrownBy(() -> PostgresSchema.ensure(
                        config(url, "postgres.create-table", "false").postgres()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("table event_windows does not exist")
                .hasMessageContaining("deploy/sql/001_event_windows.sql");
    }

    @Test
    void tableOfAnotherShapeStopsStartUp() throws Exception {
        String url = PG.createDatabase("mismatch");
        sql(
                url,
                "CREATE TABLE event_windows (window_start timestamptz, window_end timestamptz, type text, "
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
