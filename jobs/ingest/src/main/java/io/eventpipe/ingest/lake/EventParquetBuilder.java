package io.eventpipe.ingest.lake;

import io.eventpipe.schema.Event;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;

/**
 * Parquet writer for events. Uses the generated class's own data model so that {@code time} (timestamp-millis,
 * an {@link java.time.Instant} in Java) is converted; Flink's {@code forSpecificRecord} picks a model without the
 * conversion and fails on the first write.
 */
public final class EventParquetBuilder implements ParquetBuilder<Event> {
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
