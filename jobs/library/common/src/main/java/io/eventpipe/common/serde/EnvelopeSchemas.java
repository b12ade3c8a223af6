package io.eventpipe.common.serde;

import io.eventpipe.schema.Event;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of the event envelope, loaded from {@code eventpipe/schemas/envelope/v<N>.avsc} on the
 * classpath, looked up by the 64-bit fingerprint that Avro single-object encoding puts in front of each body.
 */
public final class EnvelopeSchemas implements SchemaStore {
    public static final String RESOURCE_DIR = "eventpipe/schemas/envelope/";

    private final List<Schema> versions;
    private final Map<Long, Schema> byFingerprint = new HashMap<>();

    private EnvelopeSchemas(List<Schema> versions) {
        this.versions = Collections.unmodifiableList(versions);
        for (Schema s : versions) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
        }
    }

    /** Loads v1, v2, … until the next version is missing. */
    public static EnvelopeSchemas load() {
        List<Schema> versions = new ArrayList<>();
        ClassLoader cl = EnvelopeSchemas.class.getClassLoader();
        for (int v = 1; ; v++) {
            try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + "v" + v + ".avsc")) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read envelope schema v" + v, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no envelope schema found under " + RESOURCE_DIR);
        }
        return new EnvelopeSchemas(versions);
    }

    /** Oldest first; the last one is the schema of the generated {@link Event} class. */
    public List<Schema> versions() {
        return versions;
    }

    public Schema latest() {
        return versions.get(versions.size() - 1);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }
}
