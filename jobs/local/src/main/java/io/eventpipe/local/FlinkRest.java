package io.eventpipe.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a job's metrics through Flink's REST API, as the web UI does. */
final class FlinkRest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    FlinkRest(int port) {
        this.base = "http://localhost:" + port;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
        }
        return json.readTree(r.body());
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
            return -1;
        }
    }
}
