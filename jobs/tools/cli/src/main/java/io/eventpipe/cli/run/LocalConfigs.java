package io.eventpipe.cli.run;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.common.config.ConfigException;
import io.eventpipe.common.config.Settings;
import io.eventpipe.ingest.IngestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The local run's job configurations: deploy/config/local/{ingest,aggregate}.yaml (on the classpath as
 * {@code local/*.yaml}), read like any configuration, with the user's file and {@code --set}s on top. The files refer
 * to what the local run started through {@code ${EVENTPIPE_LOCAL_*}} variables; any other {@code ${VAR}} is an
 * environment variable.
 */
final class LocalConfigs {
    private final Function<String, String> variables;

    /**
     * @param kafka       the local broker's bootstrap servers
     * @param data        the data directory (checkpoints, lake, dead-letter archive)
     * @param postgresUrl the local PostgreSQL's JDBC URL
     * @param postgresUser its user
     * @param format      the input format's config value (avro, json)
     */
    LocalConfigs(String kafka, Path data, String postgresUrl, String postgresUser, String format) {
        String dataUri = data.toAbsolutePath().toUri().toString().replaceAll("/+$", "");
        Map<String, String> local = Map.of(
                "EVENTPIPE_LOCAL_KAFKA", kafka,
                "EVENTPIPE_LOCAL_DATA", dataUri,
                "EVENTPIPE_LOCAL_POSTGRES_URL", postgresUrl,
                "EVENTPIPE_LOCAL_POSTGRES_USER", postgresUser,
                "EVENTPIPE_LOCAL_FORMAT", format);
        this.variables = name -> local.containsKey(name) ? local.get(name) : System.getenv(name);
    }

    /** The ingest job's configuration; throws ConfigException naming every bad key. */
    IngestConfig ingest(Path userFile, List<String> sets) {
        return IngestConfig.from(Settings.load(defaults("ingest"), userFile, sets, variables));
    }

    /** The aggregate job's configuration; throws ConfigException naming every bad key. */
    AggregateConfig aggregate(Path userFile, List<String> sets) {
        return AggregateConfig.from(Settings.load(defaults("aggregate"), userFile, sets, variables));
    }

    private static Map<String, String> defaults(String job) {
        String resource = "local/" + job + ".yaml";
        try (InputStream in = LocalConfigs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException("the local run's " + resource + " is missing from the classpath");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Settings.readYaml(r, "deploy/config/" + resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
