package io.eventpipe.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** The aggregate job's {@code event_windows} rows, in a form tests compare. */
public final class WindowRows {
    private WindowRows() {}

    /**
     * Every row as {@code "<window start millis>|<type>|<source>"} → {@code "<count> <first> <last> <metrics>"}
     * (times in epoch millis, metrics as PostgreSQL prints the jsonb); a row whose window is not
     * {@code windowMillis} long fails. A database that cannot be read gives {@code {"unavailable": reason}}.
     */
    public static Map<String, String> read(String url, String user, long windowMillis) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT window_start, type, source, event_count, first_event_time, "
                        + "last_event_time, metrics::text, window_end FROM event_windows")) {
            while (rs.next()) {
                long start = rs.getTimestamp(1).getTime();
                if (rs.getTimestamp(8).getTime() != start + windowMillis) {
                    throw new AssertionError(
                            "window " + start + " ends at " + rs.getTimestamp(8).getTime());
                }
                out.put(
                        start + "|" + rs.getString(2) + "|" + rs.getString(3),
                        rs.getLong(4) + " " + rs.getTimestamp(5).getTime() + " "
                                + rs.getTimestamp(6).getTime() + " " + rs.getString(7));
            }
        } catch (java.sql.SQLException e) {
            return Map.of("unavailable", String.valueOf(e.getMessage()));
        }
        return out;
    }
}
