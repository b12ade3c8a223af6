package io.eventpipe.common.testing;

import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.generate.GeneratedRecord;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the ingest job must output for a set of generated records, and the checks that its outputs hold exactly that:
 * the clean topic (read_committed) and the lake hold each unique valid event once, the dead-letter topic holds every
 * bad record with its reason.
 *
 * @param cleanIds ids of the first occurrences of valid events
 * @param deadLetters reason + value fingerprint → how often
 */
public record IngestExpectations(List<String> cleanIds, Map<String, Long> deadLetters) {

    public static IngestExpectations of(List<GeneratedRecord> records) {
        List<String> clean = new ArrayList<>();
        Map<String, Long> dead = new HashMap<>();
        for (GeneratedRecord r : records) {
            switch (r.expected()) {
                case CLEAN -> clean.add(r.id());
                case DEAD_LETTER -> dead.merge(fingerprint(r.value(), r.reason()), 1L, Long::sum);
                case DUPLICATE -> { }
            }
        }
        return new IngestExpectations(clean, dead);
    }

    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    static String fingerprint(byte[] value, Reason reason) {
        return reason + ":" + Base64.getEncoder().encodeToString(value);
    }

    /**
     * Whether every output holds at least the expected number of records (then {@link #assertExact}); {@code lake}
     * may be null when there is none.
     */
    public boolean reached(CommittedReader kafka, String cleanTopic, String dlqTopic, Path lake) throws Exception {
        return kafka.readCommitted(cleanTopic).size() >= cleanIds.size()
                && kafka.readCommitted(dlqTopic).size() >= deadLetterCount()
                && (lake == null || lakeIds(lake).size() >= cleanIds.size());
    }

    /** Asserts that the outputs hold exactly the expected records; {@code lake} may be null when there is none. */
    public void assertExact(CommittedReader kafka, String inputTopic, String cleanTopic, String dlqTopic,
            Path lake) throws Exception {
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(cleanTopic)) {
            Event e = decoder.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
            ids.add(e.getId());
        }
        assertThat(ids).hasSameSizeAs(cleanIds).containsExactlyInAnyOrderElementsOf(cleanIds);

        Map<String, Long> dead = kafka.readCommitted(dlqTopic).stream()
                .map(r -> {
                    assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(inputTopic);
                    assertThat(header(r, DeadLetterHeaders.MESSAGE)).isNotBlank();
                    return fingerprint(r.value(), Reason.valueOf(header(r, DeadLetterHeaders.REASON)));
                })
                .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(dead).isEqualTo(deadLetters);

        if (lake != null) {
            List<String> lakeIds = lakeIds(lake);
            assertThat(lakeIds).hasSameSizeAs(cleanIds).containsExactlyInAnyOrderElementsOf(cleanIds);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Ids in the committed lake files (globbing *.parquet, as a reader would, with DuckDB), each checked against the
     * partition directory it lies in.
     */
    public static List<String> lakeIds(Path lake) throws Exception {
        if (lake == null || !lake.toFile().exists()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            String glob = lake.toAbsolutePath() + "/**/*.parquet";
            try (ResultSet count = s.executeQuery("SELECT count(*) FROM glob('" + glob + "')")) {
                count.next();
                if (count.getLong(1) == 0) {
                    return List.of();
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT id, type, strftime(time::TIMESTAMP, '%Y-%m-%d/hour=%H'), "
                    + "filename FROM read_parquet('" + glob + "', filename = true, hive_partitioning = false)")) {
                while (rs.next()) {
                    assertThat(rs.getString(4)).contains("/type=" + rs.getString(2) + "/dt=" + rs.getString(3) + "/");
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
