package io.eventpipe.cluster;

import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The aggregate job's window rows as the cluster tests compare them: {@code "windowStart|type|source" → count}, expected
 * from generated records and read from {@code event_windows}, and the tick that closes every window.
 */
final class WindowRows {
    static final long MIN = 60_000;

    private WindowRows() {}

    /** Expected rows: one-minute windows of the clean events among {@code records}. */
    static Map<String, Long> expected(List<GeneratedRecord> records) throws Exception {
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        Map<String, Long> out = new TreeMap<>();
        for (GeneratedRecord r : records) {
            if (r.expected() == GeneratedRecord.Expected.CLEAN) {
                Event e = decoder.decode(r.value());
                long t = e.getTime().toEpochMilli();
                out.merge((t - Math.floorMod(t, MIN)) + "|" + e.getType() + "|" + e.getSource(), 1L, Long::sum);
            }
        }
        return out;
    }

    /** The rows in the database now (ticks aside), or {@code unavailable} while it cannot be read. */
    static Map<String, Long> read(String url, String user) {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT window_start, type, source, event_count FROM event_windows "
                        + "WHERE type <> 'clock.tick'")) {
            while (rs.next()) {
                out.put(rs.getTimestamp(1).getTime() + "|" + rs.getString(2) + "|" + rs.getString(3), rs.getLong(4));
            }
        } catch (Exception e) {
            return Map.of("unavailable", -1L);
        }
        return out;
    }

    /**
     * Closes every window before {@code time}: a tick at that time on every partition of the clean topic. The broker
     * refuses a timestamp more than an hour ahead of its clock (message.timestamp.after.max.ms), so a tick must not
     * lie further in the future; a refusal fails here rather than leaving the windows open.
     */
    static void tick(KafkaProducer<byte[], byte[]> producer, String cleanTopic, int partitions, long time)
            throws Exception {
        EventEncoder encoder = new EventEncoder(EventFormat.AVRO);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int part = 0; part < partitions; part++) {
            Event e = Event.newBuilder()
                    .setId("tick-" + part)
                    .setTime(Instant.ofEpochMilli(time))
                    .setType("clock.tick")
                    .setSource("test")
                    .setPayload("{}")
                    .build();
            sent.add(producer.send(
                    new ProducerRecord<>(cleanTopic, part, time, EventEncoder.key(e), encoder.encode(e))));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }
}
