package io.eventpipe.testkit;

import io.eventpipe.common.io.Directories;
import io.eventpipe.localkit.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server on a free port for one test class; {@link #createDatabase} gives each test its own
 * database. {@code @RegisterExtension static final PostgresExtension PG = new PostgresExtension();}
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private Path dataDir;
    private EmbeddedPostgres server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("eventpipe-pg");
        server = EmbeddedPostgres.start(dataDir.resolve("data"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
        Directories.deleteRecursively(dataDir);
    }

    public EmbeddedPostgres server() {
        return server;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "jdbc:postgresql://localhost:" + server.port() + "/" + name;
    }

    public String user() {
        return server.user();
    }
}
