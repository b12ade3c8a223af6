package io.eventpipe.ingest;

import io.eventpipe.testkit.ConfigurationDoc;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the ingest job's options, with their types and defaults. */
class ConfigurationDocTest {
    @Test
    void referenceTableMatchesTheCode() throws Exception {
        ConfigurationDoc.assertTable("ingest-options", IngestConfig.options());
    }
}
