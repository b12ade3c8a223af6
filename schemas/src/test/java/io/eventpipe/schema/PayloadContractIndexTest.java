package io.eventpipe.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** payloads/index.txt lists exactly the contracts that exist, so none is silently ignored. */
class PayloadContractIndexTest {
    @Test
    void indexListsEveryContract() throws IOException {
        Path dir = Path.of("payloads");
        var listed = Files.readAllLines(dir.resolve("index.txt")).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(dir)) {
            var present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .collect(Collectors.toSet());
            assertThat(listed).isEqualTo(present).hasSizeGreaterThanOrEqualTo(2);
        }
    }
}
