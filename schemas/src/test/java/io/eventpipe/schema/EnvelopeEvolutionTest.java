package io.eventpipe.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The evolution rule: every envelope version reads data written with every earlier one. */
class EnvelopeEvolutionTest {
    private static final Path DIR = Path.of("envelope");

    static List<Schema> versions() throws IOException {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; Files.exists(DIR.resolve("v" + v + ".avsc")); v++) {
            out.add(new Schema.Parser().parse(DIR.resolve("v" + v + ".avsc").toFile()));
        }
        return out;
    }

    @Test
    void versionsAreNumberedWithoutGaps() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.filter(p -> p.toString().endsWith(".avsc")).count())
                    .isEqualTo(versions().size());
        }
        assertThat(versions()).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void everyVersionReadsEveryEarlierOne() throws IOException {
        List<Schema> versions = versions();
        for (int reader = 0; reader < versions.size(); reader++) {
            for (int writer = 0; writer < reader; writer++) {
                var result =
                        SchemaCompatibility.checkReaderWriterCompatibility(versions.get(reader), versions.get(writer));
                assertThat(result.getType())
                        .as("v%d reading v%d: %s", reader + 1, writer + 1, result.getDescription())
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void generatedClassIsTheNewestVersion() throws IOException {
        List<Schema> versions = versions();
        // Parsing canonical form: the generated schema carries extra Java-only properties (avro.java.string).
        assertThat(SchemaNormalization.parsingFingerprint64(Event.getClassSchema()))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1)));
    }
}
