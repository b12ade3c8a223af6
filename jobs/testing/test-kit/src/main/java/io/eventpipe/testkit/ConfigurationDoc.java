package io.eventpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.config.ConfigReference;
import io.eventpipe.common.config.Option;
import java.nio.file.Files;
import java.util.List;

/** Keeps the option tables of docs/configuration.md equal to the code. */
public final class ConfigurationDoc {
    private ConfigurationDoc() {}

    /** Asserts that the table between {@code <!-- marker:start -->} and {@code <!-- marker:end -->} lists exactly the options. */
    public static void assertTable(String marker, List<Option<?>> options) throws Exception {
        String doc = Files.readString(Repo.path("docs/configuration.md"));
        String start = "<!-- " + marker + ":start -->\n";
        int a = doc.indexOf(start);
        int b = doc.indexOf("<!-- " + marker + ":end -->");
        assertThat(a).as("markers %s in docs/configuration.md", marker).isNotNegative();
        assertThat(doc.substring(a + start.length(), b))
                .as(
                        "docs/configuration.md is out of date; replace the table between the %s markers with the "
                                + "expected text",
                        marker)
                .isEqualTo(ConfigReference.markdown(options));
    }
}
