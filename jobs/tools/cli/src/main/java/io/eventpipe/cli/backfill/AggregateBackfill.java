package io.eventpipe.cli.backfill;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.AggregateTopology;
import io.eventpipe.aggregate.functions.WindowResult;
import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSink;
import io.eventpipe.ingest.lake.LakeLayout;
import io.eventpipe.schema.Event;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Recomputes the aggregate job's windows for a time range from the Parquet lake: the job's own window logic
 * ({@link AggregateTopology#windows}) in Flink's BATCH execution mode over the lake's {@code type=<t>/dt=<day>} directories
 * of the range, then the range's rows in {@code event_windows} replaced in one database transaction.
 *
 * <p>The range must start and end on window boundaries, so every window in it is whole. Every event of the lake in
 * the range counts, including those the streaming job found too late (the lake holds every clean event).
 */
public final class AggregateBackfill {
    /** What a backfill did. */
    public record Report(int directories, long windows, long rowsReplaced) {}

    private final AggregateConfig config;
    private final String lakeRoot;
    private final Instant from;
    private final Instant to;

    public AggregateBackfill(AggregateConfig config, String lakeRoot, Instant from, Instant to) {
        long size = config.windowSize().toMillis();
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("--to " + to + " must be after --from " + from);
        }
        if (Math.floorMod(from.toEpochMilli(), size) != 0 || Math.floorMod(to.toEpochMilli(), size) != 0) {
            throw new IllegalArgumentException("--from and --to must be window boundaries (multiples of window.size, "
                    + Duration.ofMillis(size) + ", from the epoch), so that no window is recomputed in part; got "
                    + from + " and " + to);
        }
        this.config = config;
        this.lakeRoot = lakeRoot;
        this.from = from;
        this.to = to;
    }

    /** Computes the windows and replaces the range's rows with them. */
    public Report run() throws Exception {
        List<Path> dirs = dayDirectories();
        PostgresSchema.ensure(config.postgres());
        try (Connection c = PostgresSchema.connect(config.postgres())) {
            c.setAutoCommit(false);
            long deleted;
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM " + PostgresSink.TABLE + " WHERE window_start >= ? AND window_start < ?")) {
                delete.setTimestamp(1, new Timestamp(from.toEpochMilli()));
                delete.setTimestamp(2, new Timestamp(to.toEpochMilli()));
                deleted = delete.executeUpdate();
            }
            long windows = 0;
            if (!dirs.isEmpty()) {
                try (CloseableIterator<WindowResult> results = windows(dirs);
                        PreparedStatement insert = c.prepareStatement(PostgresSink.REPLACE)) {
                    int batch = 0;
                    while (results.hasNext()) {
                        PostgresSink.bind(insert, results.next());
                        insert.addBatch();
                        windows++;
                        if (++batch == 500) {
                            insert.executeBatch();
                            batch = 0;
                        }
                    }
                    insert.executeBatch();
                }
            }
            c.commit();
            return new Report(dirs.size(), windows, deleted);
        }
    }

    /** The window results of the range, computed by a batch job on this machine. */
    private CloseableIterator<WindowResult> windows(List<Path> dirs) throws Exception {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(PipelineOptions.NAME, "eventpipe-backfill-aggregate");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        DataStream<Event> events = LakeLayout.events(env, dirs)
                .filter(e ->
                        e.getTime().toEpochMilli() >= fromMillis && e.getTime().toEpochMilli() < toMillis);
        return AggregateTopology.windows(events, config).executeAndCollect("eventpipe-backfill-aggregate");
    }

    /** The lake's {@code type=<t>/dt=<day>} directories of the days the range touches (UTC, by event time). */
    List<Path> dayDirectories() throws IOException {
        try {
            return LakeLayout.dayPartitions(lakeRoot, from, to);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lake " + e.getMessage());
        }
    }
}
