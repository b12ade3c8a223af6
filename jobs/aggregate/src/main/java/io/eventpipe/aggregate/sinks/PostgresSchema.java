package io.eventpipe.aggregate.sinks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Start-up check of the results table: creates it from {@code deploy/sql/} when missing (if allowed), and refuses to
 * start when an existing table lacks a column, has a column of another type, or lacks the primary key the upsert
 * needs.
 */
public final class PostgresSchema {
    static final String DDL_RESOURCE = "eventpipe/sql/001_event_windows.sql";

    /** Column → PostgreSQL data type as information_schema reports it. */
    static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("window_start", "timestamp with time zone");
        COLUMNS.put("window_end", "timestamp with time zone");
        COLUMNS.put("type", "text");
        COLUMNS.put("source", "text");
        COLUMNS.put("event_count", "bigint");
        COLUMNS.put("first_event_time", "timestamp with time zone");
        COLUMNS.put("last_event_time", "timestamp with time zone");
        COLUMNS.put("metrics", "jsonb");
    }

    static final List<String> PRIMARY_KEY = List.of("window_start", "type", "source");

    private PostgresSchema() {}

    /** A problem with the database or the table, stated for an operator. */
    public static final class SchemaException extends RuntimeException {
        public SchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Connection connect(PostgresSettings pg) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        if (pg.password() != null) {
            p.setProperty("password", pg.password());
        }
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(pg.url(), p);
    }

    public static void ensure(PostgresSettings pg) {
        try (Connection c = connect(pg)) {
            Map<String, String> existing = columns(c);
            if (existing.isEmpty()) {
                if (!pg.createTable()) {
                    throw new SchemaException(
                            "table " + PostgresSink.TABLE + " does not exist at " + pg.url()
                                    + "; create it with deploy/sql/001_event_windows.sql or set postgres.create-table: true",
                            null);
                }
                try (Statement s = c.createStatement()) {
                    s.execute(ddl());
                }
                existing = columns(c);
            }
            Map<String, String> actual = existing;
            List<String> problems = new ArrayList<>();
            COLUMNS.forEach((name, type) -> {
                String has = actual.get(name);
                if (has == null) {
                    problems.add("column " + name + " is missing");
                } else if (!has.equals(type)) {
                    problems.add("column " + name + " is " + has + ", expected " + type);
                }
            });
            List<String> pk = primaryKey(c);
            if (!pk.equals(PRIMARY_KEY)) {
                problems.add("primary key is " + (pk.isEmpty() ? "missing" : pk) + ", expected " + PRIMARY_KEY);
            }
            if (!problems.isEmpty()) {
                throw new SchemaException(
                        "table " + PostgresSink.TABLE + " at " + pg.url()
                                + " does not match deploy/sql/001_event_windows.sql: " + String.join("; ", problems),
                        null);
            }
        } catch (SQLException e) {
            throw new SchemaException(
                    "cannot use PostgreSQL at " + pg.url() + " (postgres.url) as " + pg.user() + ": " + e.getMessage(),
                    e);
        }
    }

    private static Map<String, String> columns(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, PostgresSink.TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static List<String> primaryKey(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_index i "
                        + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                        + "WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setString(1, PostgresSink.TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static String ddl() {
        try (InputStream in = PostgresSchema.class.getClassLoader().getResourceAsStream(DDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DDL_RESOURCE + " is missing from the job jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DDL_RESOURCE, e);
        }
    }
}
