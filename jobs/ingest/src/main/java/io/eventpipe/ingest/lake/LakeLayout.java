package io.eventpipe.ingest.lake;

import io.eventpipe.schema.Event;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.formats.parquet.avro.AvroParquetReaders;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/**
 * The Parquet lake's layout, for its writer (the ingest job's {@link LakeSink}) and its readers (the aggregate
 * backfill) alike: Hive-style partitions by event type and event time (UTC), {@code
 * type=<type>/dt=<yyyy-MM-dd>/hour=<HH>}, of Parquet files whose rows are events in the envelope's Avro schema
 * ({@link Event}). The type is safe as a path segment: validation admits only {@code [A-Za-z0-9._-]} and no leading
 * dot.
 */
public final class LakeLayout {
    private static final String TYPE = "type=";
    private static final String DAY = "dt=";
    private static final String HOUR = "hour=";

    private LakeLayout() {}

    /** The partition an event belongs to: {@code type=<type>/dt=<yyyy-MM-dd>/hour=<HH>}. */
    public static String partition(Event event) {
        ZonedDateTime t = event.getTime().atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(48)
                .append(TYPE)
                .append(event.getType())
                .append('/')
                .append(DAY)
                .append(t.getYear())
                .append('-');
        pad(b, t.getMonthValue()).append('-');
        pad(b, t.getDayOfMonth()).append('/').append(HOUR);
        return pad(b, t.getHour()).toString();
    }

    private static StringBuilder pad(StringBuilder b, int v) {
        return (v < 10 ? b.append('0') : b).append(v);
    }

    /**
     * The {@code type=<t>/dt=<day>} directories under {@code root} of the days that {@code [from, to)} touches, for
     * every type, where they exist.
     *
     * @throws IllegalArgumentException where the root does not exist
     */
    public static List<Path> dayPartitions(String root, Instant from, Instant to) throws IOException {
        Path base = new Path(root);
        FileSystem fs = base.getFileSystem();
        if (!fs.exists(base)) {
            throw new IllegalArgumentException(root + " does not exist");
        }
        List<String> days = new ArrayList<>();
        LocalDate last = Instant.ofEpochMilli(to.toEpochMilli() - 1)
                .atZone(ZoneOffset.UTC)
                .toLocalDate();
        for (LocalDate d = from.atZone(ZoneOffset.UTC).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
            days.add(DAY + d);
        }
        List<Path> dirs = new ArrayList<>();
        for (FileStatus type : fs.listStatus(base)) {
            if (type.isDir() && type.getPath().getName().startsWith(TYPE)) {
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

    /** The Flink file sink's bucket assigner: each event into its {@link #partition}. */
    public static BucketAssigner<Event, String> partitions() {
        return new Partitions();
    }

    /** Writes events as Parquet rows. */
    public static ParquetWriterFactory<Event> writer() {
        return new ParquetWriterFactory<>(new Writer());
    }

    /** The events of every Parquet file under {@code dirs}, as a bounded stream. */
    public static DataStream<Event> events(StreamExecutionEnvironment env, List<Path> dirs) {
        FileSource<GenericRecord> files = FileSource.forRecordStreamFormat(
                        AvroParquetReaders.forGenericRecord(Event.getClassSchema()), dirs.toArray(Path[]::new))
                .build();
        return env.fromSource(files, WatermarkStrategy.noWatermarks(), "lake")
                .map(new ToEvent(), new AvroTypeInfo<>(Event.class))
                .name("lake rows to events");
    }

    /** A Parquet row, read without Avro's logical-type conversions, as the event it was written from. */
    public static Event toEvent(GenericRecord r) {
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

    private static final class Partitions implements BucketAssigner<Event, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getBucketId(Event event, Context context) {
            return partition(event);
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    private static final class ToEvent implements MapFunction<GenericRecord, Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public Event map(GenericRecord r) {
            return toEvent(r);
        }
    }

    /**
     * Parquet writer for events. Uses the generated class's own data model so that {@code time} (timestamp-millis,
     * an {@link java.time.Instant} in Java) is converted; Flink's {@code forSpecificRecord} picks a model without the
     * conversion and fails on the first write.
     */
    private static final class Writer implements ParquetBuilder<Event> {
        private static final long serialVersionUID = 1L;

        /**
         * Settings without Hadoop's default resources: {@code new Configuration()} parses core-default.xml and
         * core-site.xml, for every part file (profiled at 3% of the ingest job's time).
         */
        private static final ThreadLocal<Configuration> CONF = ThreadLocal.withInitial(() -> new Configuration(false));

        @Override
        public ParquetWriter<Event> createWriter(OutputFile out) throws IOException {
            return AvroParquetWriter.<Event>builder(out)
                    .withSchema(Event.getClassSchema())
                    .withDataModel(SpecificData.getForClass(Event.class))
                    .withConf(CONF.get())
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    // ids are unique and payloads nearly so: a dictionary never pays off and its lookups were the
                    // largest single cost of the lake (Binary.equals/hashCode); type and source keep theirs
                    .withDictionaryEncoding("id", false)
                    .withDictionaryEncoding("payload", false)
                    .withDictionaryEncoding("headers", false)
                    // nor do min/max statistics of unique strings prune anything; time, type and source keep theirs
                    .withStatisticsEnabled("id", false)
                    .withStatisticsEnabled("payload", false)
                    .withStatisticsEnabled("headers", false)
                    .build();
        }
    }
}
