package io.eventpipe.cli.backfill;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.functions.WindowAggregator;
import io.eventpipe.aggregate.functions.WindowResult;
import io.eventpipe.aggregate.sinks.PostgresSchema;
import io.eventpipe.aggregate.sinks.PostgresSink;
import io.eventpipe.schema.Event;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes the aggregate job's windows for a time range from the Parquet lake: the job's own window logic
 * ({@link WindowAggregator}) in Flink's BATCH execution mode over the lake's {@code type=<t>/dt=<day>} directories
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
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + PostgresSink.TABLE
                    + " WHERE window_start >= ? AND window_start < ?")) {
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
        FileSource<GenericRecord> lake = FileSource.forRecordStreamFormat(
                AvroParquetReaders.forGenericRecord(Event.getClassSchema()), dirs.toArray(Path[]::new)).build();
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        return env.fromSource(lake, WatermarkStrategy.noWatermarks(), "lake")
                .map(new ToEvent(), new AvroTypeInfo<>(Event.class))
                .filter(e -> e.getTime().toEpochMilli() >= fromMillis && e.getTime().toEpochMilli() < toMillis)
                .keyBy(WindowAggregator::key)
                .process(new WindowAggregator(config.windowSize(), config.allowedLateness(), config.metrics(),
                        config.validation().json()), TypeInformation.of(WindowResult.class))
                .executeAndCollect("eventpipe-backfill-aggregate");
    }

    /** The lake's {@code type=<t>/dt=<day>} directories of the days the range touches (UTC, by event time). */
    List<Path> dayDirectories() throws IOException {
        Path root = new Path(lakeRoot);
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            throw new IllegalArgumentException("--lake " + lakeRoot + " does not exist");
        }
        List<String> days = new ArrayList<>();
        LocalDate last = Instant.ofEpochMilli(to.toEpochMilli() - 1).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate d = from.atZone(ZoneOffset.UTC).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
            days.add("dt=" + d);
        }
        List<Path> dirs = new ArrayList<>();
        for (FileStatus type : fs.listStatus(root)) {
            if (type.isDir() && type.getPath().getName().startsWith("type=")) {
                for (String day : days) {
                    Path dir = new Path(type.getPath(), day);
                    if (fs.exists(dir)) {
                        dirs.add(dir);
                    }
                }
            }
        }
        return dirs;
    }

    /** A lake row (read without Avro's logical-type conversions) as the event it was written from. */
    private static final class ToEvent implements MapFunction<GenericRecord, Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(GenericRecord r) {
            Object headers = r.get("headers");
            return Event.newBuilder()
                    .setId(r.get("id").toString())
                    .setTime(Instant.ofEpochMilli((Long) r.get("time")))
                    .setType(r.get("type").toString())
                    .setSource(r.get("source").toString())
                    .setPayload(r.get("payload").toString())
                    .setHeaders(headers == null ? null : headers.toString())
                    .build();
        }
    }
}
