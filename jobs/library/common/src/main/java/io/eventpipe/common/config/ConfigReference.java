package io.eventpipe.common.config;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Renders options as the Markdown table in {@code docs/configuration.md}; a test keeps the two equal. */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdown(List<Option<?>> options) {
        return "| key | type | default | description |\n|---|---|---|---|\n"
                + options.stream()
                        .sorted(Comparator.comparing(Option::key))
                        .map(o -> "| `" + o.key() + "` | " + o.type() + " | "
                                + (o.defaultValue() == null ? "" : "`" + o.defaultValue() + "`") + " | "
                                + o.description().replace("|", "\\|") + deprecated(o) + " |")
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    private static String deprecated(Option<?> o) {
        return o.deprecatedKeys().isEmpty()
                ? ""
                : " Deprecated name, still read with a warning: "
                        + o.deprecatedKeys().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")) + ".";
    }
}
