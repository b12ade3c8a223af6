package io.eventpipe.ingest.lake;

import io.eventpipe.schema.Event;
import org.apache.avro.specific.SpecificData;
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

    @Override
    public ParquetWriter<Event> createWriter(OutputFile out) throws IOException {
        return AvroParquetWriter.<Event>builder(out)
                .withSchema(Event.getClassSchema())
                .withDataModel(SpecificData.getForClass(Event.class))
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }
}
