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
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The JSON Schema contract of each event type that has one, compiled once. Types are listed in an
 * {@code index.txt}; the contract of type {@code T} is {@code T.json} beside it: built in under
 * {@code eventpipe/schemas/payloads/}, or in a directory of the same layout ({@link Texts#directory}).
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

    /** The built-in contracts. */
    public static PayloadContracts load() {
        return Texts.builtIn().compile();
    }

    /**
     * Contracts as text, type → JSON Schema (2020-12): what a job ships to its tasks, which compile them in
     * {@code open()}. Read where the job is submitted, so a contract directory need not exist on the TaskManagers.
     */
    public record Texts(Map<String, String> byType) implements Serializable {
        public Texts {
            byType = Map.copyOf(byType);
        }

        /** The contracts built into this release (the schemas module). */
        public static Texts builtIn() {
            ClassLoader cl = PayloadContracts.class.getClassLoader();
            Map<String, String> texts = new TreeMap<>();
            for (String type : index(cl)) {
                try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + type + ".json")) {
                    if (in == null) {
                        throw new IllegalStateException("payload contract " + type + ".json is listed but missing");
                    }
                    texts.put(type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read payload contract of " + type, e);
                }
            }
            return new Texts(texts);
        }

        /**
         * The contracts in {@code dir}: {@code index.txt} lists the types (one a line, {@code #} comments), and
         * {@code <type>.json} holds each one's schema. Throws {@link IllegalArgumentException} saying what is
         * missing or unreadable, and which contract does not compile.
         */
        public static Texts directory(Path dir) {
            Path index = dir.resolve("index.txt");
            if (!Files.isRegularFile(index)) {
                throw new IllegalArgumentException("no index.txt in " + dir + " (it lists the event types that have "
                        + "a contract, one a line; the contract of type T is T.json beside it)");
            }
            Map<String, String> texts = new TreeMap<>();
            try {
                for (String type : types(Files.readAllLines(index, StandardCharsets.UTF_8))) {
                    if (!EventValidator.validType(type)) {
                        throw new IllegalArgumentException("index.txt in " + dir + " lists '" + type + "', which is "
                                + "not an event type (" + EventValidator.TYPE_PATTERN.pattern() + ")");
                    }
                    Path file = dir.resolve(type + ".json");
                    if (!Files.isRegularFile(file)) {
                        throw new IllegalArgumentException("index.txt in " + dir + " lists " + type + ", but there "
                                + "is no " + type + ".json beside it");
                    }
                    texts.put(type, Files.readString(file, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the contracts in " + dir + ": " + e.getMessage());
            }
            Texts t = new Texts(texts);
            t.compile(); // a contract that does not compile fails here, where the job is submitted
            return t;
        }

        /** Compiles every contract; throws {@link IllegalArgumentException} naming one that does not compile. */
        public PayloadContracts compile() {
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
            Map<String, JsonSchema> schemas = new HashMap<>();
            byType.forEach((type, text) -> {
                try {
                    JsonSchema schema = factory.getSchema(text);
                    schema.initializeValidators();
                    schemas.put(type, schema);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            "the contract of " + type + " is not a JSON Schema: " + e.getMessage(), e);
                }
            });
            return new PayloadContracts(schemas);
        }
    }

    static List<String> index(ClassLoader cl) {
        try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + "index.txt")) {
            if (in == null) {
                return List.of();
            }
            return types(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> types(List<String> lines) {
        return lines.stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toList());
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
