package io.eventpipe.common.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON Schema contract of each event type that has one, compiled once. Types are listed in
 * {@code eventpipe/schemas/payloads/index.txt}; the contract of type {@code T} is {@code T.json} beside it.
 */
public final class PayloadContracts {
    public static final String RESOURCE_DIR = "eventpipe/schemas/payloads/";

    private final Map<String, JsonSchema> byType;

    private PayloadContracts(Map<String, JsonSchema> byType) {
        this.byType = byType;
    }

    /** No contracts: every payload that is JSON within the limits passes. */
    public static PayloadContracts none() {
        return new PayloadContracts(Map.of());
    }

    public static PayloadContracts load() {
        ClassLoader cl = PayloadContracts.class.getClassLoader();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<String, JsonSchema> byType = new HashMap<>();
        for (String type : index(cl)) {
            try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + type + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("payload contract " + type + ".json is listed but missing");
                }
                byType.put(type, factory.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read payload contract of " + type, e);
            }
        }
        return new PayloadContracts(byType);
    }

    static java.util.List<String> index(ClassLoader cl) {
        try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + "index.txt")) {
            if (in == null) {
                return java.util.List.of();
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Set<String> types() {
        return byType.keySet();
    }

    /**
     * Violations of the type's contract, at most {@code limit} of them, joined; null when the payload conforms or
     * the type has no contract.
     */
    public String violations(String type, JsonNode payload, int limit) {
        JsonSchema schema = byType.get(type);
        if (schema == null) {
            return null;
        }
        Set<ValidationMessage> errors = schema.validate(payload);
        if (errors.isEmpty()) {
            return null;
        }
        return errors.stream().limit(limit).map(ValidationMessage::getMessage).collect(Collectors.joining("; "));
    }
}
