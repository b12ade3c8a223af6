package io.eventpipe.testkit.registry;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SchemaRegistryProcess} for a test class. The distribution comes from the system property {@code
 * eventpipe.registry.home} (the module's build unpacks it). The registry needs Java 21 or later: where none is found
 * ({@link Jdks}), the tests are skipped with a message saying so, except in CI ({@code CI=true}), where they fail,
 * as the promtool checks do.
 */
public final class SchemaRegistryExtension implements BeforeAllCallback, AfterAllCallback {
    private SchemaRegistryProcess registry;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Path> java = Jdks.javaOfAtLeast(21);
        if (java.isEmpty()) {
            String missing = "the schema registry (Apicurio) needs Java 21 or later, and none was found under "
                    + "/usr/lib/jvm or in " + Jdks.VARIABLE;
            assumeTrue("true".equals(System.getenv("CI")), missing + " - skipped outside CI");
            fail(missing);
        }
        String home = System.getProperty("eventpipe.registry.home");
        if (home == null) {
            fail("the system property eventpipe.registry.home names no registry distribution");
        }
        // its log stays beside the module's other test output
        Path dir = Path.of("target", "schema-registry");
        registry = SchemaRegistryProcess.start(Path.of(home), java.get(), dir);
    }

    public SchemaRegistryProcess registry() {
        return registry;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (registry != null) {
            registry.close();
        }
    }
}
