package io.eventpipe.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.cli.Main;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.JobID;

/** Reads a job's state, restarts, failures and metrics through Flink's REST API, as the web UI does. */
final class FlinkRest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlinkRest.class);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    FlinkRest(int port) {
        this.base = "http://localhost:" + port;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(3))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
        }
        return json.readTree(r.body());
    }

    /**
     * A job's health as the web UI shows it.
     *
     * @param state       Flink's job status (RUNNING, RESTARTING, FAILED, ...), or {@code UNKNOWN} when the REST API
     *                    does not answer
     * @param restarts    restarts since the job was submitted ({@code numRestarts}), -1 when unknown
     * @param lastFailure the most recent failure in one line (its deepest cause), or null when it never failed
     */
    record JobHealth(String state, long restarts, String lastFailure) {
        static final JobHealth UNKNOWN = new JobHealth("UNKNOWN", -1, null);

        boolean running() {
            return "RUNNING".equals(state);
        }
    }

    JobHealth health(JobID job) {
        try {
            String state = get("/jobs/" + job).path("state").asText("UNKNOWN");
            long restarts = -1;
            for (JsonNode m : get("/jobs/" + job + "/metrics?get=numRestarts")) {
                restarts = m.path("value").asLong(-1);
            }
            JsonNode entries = get("/jobs/" + job + "/exceptions?maxExceptions=1")
                    .path("exceptionHistory")
                    .path("entries");
            String failure = entries.isEmpty() ? null : oneLine(entries.path(0));
            return new JobHealth(state, restarts, failure);
        } catch (Exception e) {
            LOG.warn("job {}: no health from the REST API", job, e);
            return new JobHealth("UNKNOWN", -1, "Flink's REST API did not answer: " + Main.causes(e));
        }
    }

    /** The deepest "Caused by" line of a failure's stack trace, or its first line; at most 240 characters. */
    static String oneLine(JsonNode entry) {
        String trace = entry.path("stacktrace").asText("");
        String line =
                trace.lines().findFirst().orElse(entry.path("exceptionName").asText("unknown failure"));
        for (String l : (Iterable<String>) trace.lines()::iterator) {
            if (l.startsWith("Caused by: ")) {
                line = l.substring("Caused by: ".length());
            }
        }
        line = line.strip();
        return line.length() <= 240 ? line : line.substring(0, 237) + "...";
    }

    /** Sum over all subtasks of every operator metric whose name ends with {@code suffix}; -1 when unavailable. */
    long sum(JobID job, String suffix) {
        try {
            long total = 0;
            boolean found = false;
            for (JsonNode v : get("/jobs/" + job).path("vertices")) {
                String vertex = "/jobs/" + job + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
                for (JsonNode m : get(vertex)) {
                    String id = m.path("id").asText();
                    if (id.endsWith(suffix)) {
                        JsonNode agg = get(vertex + "?agg=sum&get=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                        total += (long) agg.path(0).path("sum").asDouble();
                        found = true;
                    }
                }
            }
            return found ? total : -1;
        } catch (Exception e) {
            LOG.warn("job {}: no {} metric from the REST API", job, suffix, e);
            return -1;
        }
    }
}
