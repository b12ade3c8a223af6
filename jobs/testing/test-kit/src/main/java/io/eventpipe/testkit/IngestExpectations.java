package io.eventpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the ingest job must output for a set of generated records, and the checks that its outputs hold exactly that:
 * the clean topic (read_committed) and the lake hold each unique valid event once, the dead-letter topic holds every
 * bad record with its reason.
 *
 * @param cleanIds ids of the first occurrences of valid events
 * @param deadLetters reason + value fingerprint → how often (for letters cut to fit, reason + SHA-256 of the value)
 * @param archived reason + SHA-256 of the value of every letter too large for its topic → how often
 */
public record IngestExpectations(List<String> cleanIds, Map<String, Long> deadLetters, Map<String, Long> archived) {

    /** For records none of which is too large for the dead-letter topic. */
    public static IngestExpectations of(List<GeneratedRecord> records) {
        return of(records, Long.MAX_VALUE);
    }

    /** @param dlqMaxRecordBytes the job's {@code sink.dlq.max-record-bytes}: larger letters are cut and archived */
    public static IngestExpectations of(List<GeneratedRecord> records, long dlqMaxRecordBytes) {
        List<String> clean = new ArrayList<>();
        Map<String, Long> dead = new HashMap<>();
        Map<String, Long> archived = new HashMap<>();
        for (GeneratedRecord r : records) {
            switch (r.expected()) {
                case CLEAN -> clean.add(r.id());
                case DEAD_LETTER -> {
                    // a letter carries the record's headers; with them it must fit, or it is cut and archived
                    if (r.size() + r.carriedHeaderBytes() > dlqMaxRecordBytes) {
                        String f = r.reason() + ":sha256:" + sha256(r.value());
                        dead.merge(f, 1L, Long::sum);
                        archived.merge(f, 1L, Long::sum);
                    } else {
                        dead.merge(fingerprint(r.value(), r.reason()), 1L, Long::sum);
                    }
                }
                case DUPLICATE -> {}
            }
        }
        return new IngestExpectations(clean, dead, archived);
    }

    static String sha256(byte[] value) {
        if (value == null) {
            return "null";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    public static String fingerprint(byte[] value, Reason reason) {
        return reason + ":" + (value == null ? "null" : Base64.getEncoder().encodeToString(value));
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
    public void assertExact(CommittedReader kafka, String inputTopic, String cleanTopic, String dlqTopic, Path lake)
            throws Exception {
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(cleanTopic)) {
            Event e = decoder.decode(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
            ids.add(e.getId());
        }
        assertThat(ids).hasSameSizeAs(cleanIds).containsExactlyInAnyOrderElementsOf(cleanIds);

        assertDeadLetters(kafka, inputTopic, dlqTopic);

        if (lake != null) {
            List<String> lakeIds = lakeIds(lake);
            assertThat(lakeIds).hasSameSizeAs(cleanIds).containsExactlyInAnyOrderElementsOf(cleanIds);
        }
    }

    /**
     * For Kafka sinks at {@code at-least-once}: the clean topic and the dead-letter topic hold every expected record
     * and nothing else, some possibly more than once (written again after a failure); the lake, exactly-once
     * whatever the Kafka sinks do, holds exactly the expected ids. Returns how many Kafka records were repeats.
     */
    public long assertAtLeastOnce(CommittedReader kafka, String cleanTopic, String dlqTopic, Path lake)
            throws Exception {
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(cleanTopic)) {
            ids.add(decoder.decode(r.value()).getId());
        }
        assertThat(new java.util.HashSet<>(ids)).isEqualTo(new java.util.HashSet<>(cleanIds));
        Map<String, Long> dead = kafka.readCommitted(dlqTopic).stream()
                .map(r -> fingerprint(r.value(), Reason.valueOf(header(r, DeadLetterHeaders.REASON))))
                .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(dead.keySet()).isEqualTo(deadLetters.keySet());
        dead.forEach((f, n) -> assertThat(n).as(f).isGreaterThanOrEqualTo(deadLetters.get(f)));
        if (lake != null) {
            assertThat(lakeIds(lake)).hasSameSizeAs(cleanIds).containsExactlyInAnyOrderElementsOf(cleanIds);
        }
        long deadCount = dead.values().stream().mapToLong(Long::longValue).sum();
        return ids.size() - cleanIds.size() + deadCount - deadLetterCount();
    }

    /** Asserts that the dead-letter topic holds exactly the expected letters, each from {@code inputTopic}. */
    public void assertDeadLetters(CommittedReader kafka, String inputTopic, String dlqTopic) {
        Map<String, Long> dead = kafka.readCommitted(dlqTopic).stream()
                .map(r -> {
                    assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(inputTopic);
                    assertThat(header(r, DeadLetterHeaders.MESSAGE)).isNotBlank();
                    Reason reason = Reason.valueOf(header(r, DeadLetterHeaders.REASON));
                    if ("true".equals(header(r, DeadLetterHeaders.CUT))) {
                        assertThat(header(r, DeadLetterHeaders.ARCHIVE)).isNotBlank();
                        String sha = header(r, DeadLetterHeaders.ORIGINAL_VALUE_SHA256);
                        return reason + ":sha256:" + (sha == null ? "null" : sha);
                    }
                    return fingerprint(r.value(), reason);
                })
                .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(dead).isEqualTo(deadLetters);
    }

    /** Asserts that the archive under {@code root} holds exactly the expected whole records, each once. */
    public void assertArchiveExact(Path root) throws Exception {
        assertThat(archivedFingerprints(root)).isEqualTo(archived);
    }

    /** reason + SHA-256 of the value of every record in the committed archive files under {@code root}. */
    public static Map<String, Long> archivedFingerprints(Path root) throws Exception {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        ObjectMapper json = new ObjectMapper();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            // committed files only: in-progress ones are hidden (a leading dot)
            files = walk.filter(p -> p.getFileName().toString().endsWith(".jsonl")
                            && !p.getFileName().toString().startsWith("."))
                    .toList();
        }
        for (Path f : files) {
            assertThat(f.getParent().getFileName().toString()).startsWith("dt=");
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode n = json.readTree(line);
                    byte[] value = n.get("value_base64").isNull()
                            ? null
                            : n.get("value_base64").binaryValue();
                    out.merge(n.get("reason").asText() + ":sha256:" + sha256(value), 1L, Long::sum);
                }
            }
        }
        return out;
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
