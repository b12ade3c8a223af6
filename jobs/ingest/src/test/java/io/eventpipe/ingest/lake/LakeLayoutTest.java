package io.eventpipe.ingest.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.schema.Event;
import io.eventpipe.testkit.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake as its readers meet it: the partition of an event, the Parquet schema of its files (as
 * docs/operations.md states it), and events read back from a file as they were written.
 */
class LakeLayoutTest {
    @TempDir
    Path tmp;

    private static Event event(String id, String time, String headers) {
        return Event.newBuilder()
                .setId(id)
                .setTime(Instant.parse(time))
                .setType("order.created")
                .setSource("checkout")
                .setPayload("{\"orderId\":\"" + id + "\"}")
                .setHeaders(headers)
                .build();
    }

    @Test
    void partitionsByTypeDayAndHourInUtc() {
        assertThat(LakeLayout.partition(event("a", "2026-11-27T09:59:59.999Z", null)))
                .isEqualTo("type=order.created/dt=2026-11-27/hour=09");
        assertThat(LakeLayout.partition(event("b", "2026-01-02T23:00:00+02:00", null)))
                .isEqualTo("type=order.created/dt=2026-01-02/hour=21");
    }

    @Test
    void filesHaveTheDocumentedSchemaAndReadBackAsTheirEvents() throws Exception {
        Path file = tmp.resolve("part-0.parquet");
        List<Event> written = List.of(
                event("e-1", "2026-11-27T09:59:00.123Z", null), event("e-2", "2026-11-27T10:00:00Z", "{\"k\":1}"));
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem()
                .create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.NO_OVERWRITE)) {
            BulkWriter<Event> writer = LakeLayout.writer().create(out);
            for (Event e : written) {
                writer.addElement(e);
            }
            writer.finish();
        }
        Configuration conf = new Configuration(false);
        InputFile input = HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf);
        String schema;
        try (ParquetFileReader reader = ParquetFileReader.open(input)) {
            schema = reader.getFooter().getFileMetaData().getSchema().toString();
        }
        // the schema as docs/operations.md ("Read the lake") shows it
        String documented = Files.readString(Repo.path("docs/operations.md"));
        assertThat(documented).contains(schema.strip());

        List<Event> read = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(input)
                .withDataModel(GenericData.get())
                .build()) {
            for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
                read.add(LakeLayout.toEvent(r));
            }
        }
        assertThat(read).isEqualTo(written);
    }
}
