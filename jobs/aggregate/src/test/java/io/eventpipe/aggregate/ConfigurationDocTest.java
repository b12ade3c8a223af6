package io.eventpipe.aggregate;

import io.eventpipe.common.config.ConfigReference;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md lists exactly the aggregate job's options, with their types and defaults. */
class ConfigurationDocTest {
    private static final String START = "<!-- aggregate-options:start -->\n";
    private static final String END = "<!-- aggregate-options:end -->";

    @Test
    void referenceTableMatchesTheCode() throws Exception {
        String doc = Files.readString(Path.of("../../docs/configuration.md"));
        int a = doc.indexOf(START);
        int b = doc.indexOf(END);
        assertThat(a).as("markers in docs/configuration.md").isNotNegative();
        assertThat(doc.substring(a + START.length(), b))
                .as("docs/configuration.md is out of date; replace the table between the markers with the "
                        + "expected text")
                .isEqualTo(ConfigReference.markdown(AggregateConfig.options()));
    }
}
