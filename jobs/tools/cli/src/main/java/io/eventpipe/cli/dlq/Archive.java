package io.eventpipe.cli.dlq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Reads whole records back from the dead-letter archive ({@link DeadLetterArchive}): JSON lines under
 * {@code <root>/dt=<day>/}, committed files only.
 */
final class Archive {
    /** Where an input record was: what finds a cut letter's whole record in the archive. */
    record Source(String topic, int partition, long offset) {
        static Source of(Letter l) {
            return new Source(l.sourceTopic(), l.sourcePartition(), l.sourceOffset());
        }
    }

    /** An archived record: where it came from, its key, value and headers. */
    record Entry(Source source, byte[] key, byte[] value, List<Header> headers) {}

    private static final JsonFactory JSON = new JsonFactory();

    private Archive() {}

    /**
     * The local directory holding a cut letter's whole record: {@code <root>/dt=<day>} under {@code root} when
     * given (a local copy of the archive), else the letter's own archive path when it is a local one. Throws
     * {@link IllegalArgumentException} when the archive is elsewhere (s3://...) and no local copy was given.
     */
    static Path dayDirectory(Letter l, Path root) {
        if (root != null) {
            return root.resolve(DeadLetterArchive.bucket(l.sourceTimestamp()));
        }
        String archive = l.archive();
        if (archive == null || archive.isBlank()) {
            throw new IllegalArgumentException("the letter names no archive");
        }
        URI uri = URI.create(archive);
        if (uri.getScheme() == null) {
            return Path.of(archive);
        }
        if ("file".equals(uri.getScheme())) {
            return Path.of(uri);
        }
        throw new IllegalArgumentException("the archive " + archive + " is not on this machine's file system; copy "
                + "its dt=<day> directories here and pass the copy's root with --archive");
    }

    /** Every committed record in {@code dayDir}, one at a time (files being written start with a dot). */
    static void forEach(Path dayDir, IOConsumer<Entry> action) throws IOException {
        if (!Files.isDirectory(dayDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dayDir)) {
            files = s.filter(p -> !p.getFileName().toString().startsWith(".")
                            && p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        action.accept(parse(line));
                    }
                }
            }
        }
    }

    private static Entry parse(String line) throws IOException {
        String topic = null;
        int partition = -1;
        long offset = -1;
        byte[] key = null;
        byte[] value = null;
        List<Header> headers = new ArrayList<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("an archive line is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "source_topic" -> topic = p.getText();
                    case "source_partition" -> partition = p.getIntValue();
                    case "source_offset" -> offset = p.getLongValue();
                    case "key_base64" -> key = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                    case "value_base64" -> value = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                    case "headers" -> headers(p, headers);
                    default -> p.skipChildren();
                }
            }
        }
        if (topic == null || partition < 0 || offset < 0) {
            throw new IOException("an archive line lacks source_topic, source_partition or source_offset");
        }
        return new Entry(new Source(topic, partition, offset), key, value, List.copyOf(headers));
    }

    /** The {@code headers} array: objects of {@code key} and {@code value_base64} (null for a header without one). */
    private static void headers(JsonParser p, List<Header> into) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("an archive line's headers are not an array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String key = null;
            byte[] value = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "key" -> key = p.getText();
                    case "value_base64" -> value = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                    default -> p.skipChildren();
                }
            }
            if (key == null) {
                throw new IOException("an archive line has a header without a key");
            }
            into.add(new RecordHeader(key, value));
        }
    }

    @FunctionalInterface
    interface IOConsumer<T> {
        void accept(T t) throws IOException;
    }
}
