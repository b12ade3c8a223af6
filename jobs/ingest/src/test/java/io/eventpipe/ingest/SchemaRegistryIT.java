package io.eventpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.testkit.registry.SchemaRegistryExtension;
import io.eventpipe.testkit.registry.SchemaRegistryProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry the registry formats will be tested against answers as the Confluent REST API does, on its own
 * JVM: a schema registered under {@code <topic>-value} is served by its id, an unknown id is a 404 with error code
 * 40403 (what the job must dead-letter as UNKNOWN_SCHEMA), a stopped registry refuses connections (what the job must
 * wait out), and a restarted one answers again.
 */
class SchemaRegistryIT {
    @RegisterExtension
    static final SchemaRegistryExtension REGISTRY = new SchemaRegistryExtension();

    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.registry().url() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int register(String subject, String schema) throws Exception {
        String body = json.writeValueAsString(json.createObjectNode().put("schema", schema));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.registry().url() + "/subjects/" + subject + "/versions"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).get("id").asInt();
    }

    @Test
    void servesSchemasByIdAndSaysWhichItDoesNotKnow() throws Exception {
        int id = register("orders-value", SCHEMA);
        assertThat(id).isPositive();
        HttpResponse<String> found = get("/schemas/ids/" + id);
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode schema =
                json.readTree(json.readTree(found.body()).get("schema").asText());
        assertThat(schema).isEqualTo(json.readTree(SCHEMA));
        // the same schema again is the same id
        assertThat(register("orders-value", SCHEMA)).isEqualTo(id);

        HttpResponse<String> unknown = get("/schemas/ids/" + (id + 1000));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void anOutageRefusesConnectionsUntilTheRegistryIsBack() throws Exception {
        SchemaRegistryProcess registry = REGISTRY.registry();
        registry.stop();
        assertThat(registry.answers()).isFalse();
        assertThatThrownBy(() -> get("/subjects")).isInstanceOf(IOException.class);
        registry.restart();
        assertThat(get("/subjects").statusCode()).isEqualTo(200);
    }
}
