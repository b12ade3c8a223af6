package io.eventpipe.common.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of a job: {@code [--config FILE] [--set key=value]...}.
 *
 * @param configFile the YAML file, or null
 * @param overrides {@code key=value} pairs applied over the file, in order
 */
public record JobArgs(Path configFile, List<String> overrides) {

    public static JobArgs parse(String... args) {
        Path file = null;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("--set")) && i + 1 >= args.length) {
                throw new ConfigException(a + " needs a value");
            }
            switch (a) {
                case "--config" -> file = Path.of(args[++i]);
                case "--set" -> sets.add(args[++i]);
                default ->
                    throw new ConfigException(
                            "unknown argument '" + a + "'; usage: [--config FILE] [--set key=value]...");
            }
        }
        return of(file, sets);
    }

    /** A command's {@code --config} file (or null) and {@code --set} overrides; the file must be readable. */
    public static JobArgs of(Path configFile, List<String> overrides) {
        if (configFile != null && !Files.isReadable(configFile)) {
            throw new ConfigException("--config: file " + configFile + " does not exist or cannot be read");
        }
        return new JobArgs(configFile, List.copyOf(overrides));
    }

    public Settings load() {
        return Settings.load(configFile, overrides, System::getenv);
    }
}
