package io.eventpipe.aggregate;

import io.eventpipe.testkit.ConfigurationDoc;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the aggregate job's options, with their types and defaults. */
class ConfigurationDocTest {
    @Test
    void referenceTableMatchesTheCode() throws Exception {
        ConfigurationDoc.assertTable("aggregate-options", AggregateConfig.options());
    }
}
