package io.eventpipe.aggregate.sinks;

import io.eventpipe.aggregate.functions.WindowResult;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;

/**
 * Window results as upserts into {@code event_windows}, batched and flushed on checkpoint. The update only applies
 * when it carries more events than the stored row, so a replay after a failure, which may re-emit a window with a
 * partial count before the rest of its events arrive again, never moves a row backwards.
 */
public final class PostgresSink {
    public static final String TABLE = "event_windows";

    private static final String INSERT = "INSERT INTO " + TABLE + " AS w (window_start, window_end, type, source, "
            + "event_count, first_event_time, last_event_time, metrics, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, now()) "
            + "ON CONFLICT (window_start, type, source) DO UPDATE SET "
            + "window_end = EXCLUDED.window_end, event_count = EXCLUDED.event_count, "
            + "first_event_time = EXCLUDED.first_event_time, last_event_time = EXCLUDED.last_event_time, "
            + "metrics = EXCLUDED.metrics, updated_at = now()";

    /** The streaming job's upsert: only forward. */
    static final String UPSERT = INSERT + " WHERE w.event_count < EXCLUDED.event_count";

    /** An upsert that always replaces the row, for a recomputation that is authoritative for its windows. */
    public static final String REPLACE = INSERT;

    /** Sets the parameters of {@link #UPSERT} or {@link #REPLACE} for {@code r}. */
    public static void bind(PreparedStatement ps, WindowResult r) throws SQLException {
        ps.setTimestamp(1, new Timestamp(r.windowStart));
        ps.setTimestamp(2, new Timestamp(r.windowEnd));
        ps.setString(3, r.type);
        ps.setString(4, r.source);
        ps.setLong(5, r.eventCount);
        ps.setTimestamp(6, new Timestamp(r.firstEventTime));
        ps.setTimestamp(7, new Timestamp(r.lastEventTime));
        ps.setString(8, r.metrics);
    }

    private PostgresSink() {}

    /**
     * The JDBC sink, wrapped so that a failing close() (during a failure or cancel) is logged instead of taking the
     * TaskManager down ({@link CloseTolerantSink}).
     */
    public static Sink<WindowResult> create(PostgresSettings pg) {
        JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(pg.url())
                        .withDriverName("org.postgresql.Driver")
                        .withUsername(pg.user())
                        .withConnectionCheckTimeoutSeconds(5);
        if (pg.password() != null) {
            connection.withPassword(pg.password());
        }
        JdbcSink<WindowResult> jdbc = JdbcSink.<WindowResult>builder()
                .withQueryStatement(UPSERT, PostgresSink::bind)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(pg.batchSize())
                        .withBatchIntervalMs(pg.batchInterval().toMillis())
                        .withMaxRetries(pg.maxRetries())
                        .build())
                .buildAtLeastOnce(connection.build());
        return new CloseTolerantSink<WindowResult, JdbcWriterState, JdbcCommitable>(jdbc);
    }
}
