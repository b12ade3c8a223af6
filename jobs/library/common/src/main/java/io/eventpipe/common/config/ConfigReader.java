package io.eventpipe.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reading side of {@link Settings#read}: typed values of options, with every problem (a bad value, a missing
 * required one, a rule across several keys) collected for {@code read} to report at once. It exists only for the
 * duration of that call.
 */
public final class ConfigReader {
    private final Settings settings;
    private final List<String> problems = new ArrayList<>();
    private boolean closed;

    ConfigReader(Settings settings) {
        this.settings = settings;
    }

    /** The typed value of an option, or its default; a bad value is recorded as a problem and gives null. */
    public <T> T get(Option<T> option) {
        open();
        String key = settings.keyOf(option);
        String raw = settings.resolved(key);
        if (raw == null) {
            if (settings.isWritten(key)) {
                return null; // unresolved environment reference, reported by Settings
            }
            raw = option.defaultValue();
            if (raw == null) {
                return null;
            }
        }
        try {
            return option.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": '" + settings.shown(key) + "' " + e.getMessage());
            return null;
        }
    }

    /** Like {@link #get} but records a problem when the option has neither a value nor a default. */
    public <T> T require(Option<T> option) {
        T v = get(option);
        if (v == null && !settings.isWritten(settings.keyOf(option))) {
            problems.add(option.key() + ": is required (" + option.description() + ")");
        }
        return v;
    }

    /** Every entry below {@code prefix.} with the prefix removed, values resolved. */
    public Map<String, String> section(String prefix) {
        open();
        return settings.section(prefix);
    }

    /** The value as written, masked where the key names a secret: for messages. */
    public String shown(String key) {
        return settings.shown(key);
    }

    /** Records a problem found by a rule across several keys. */
    public void problem(String message) {
        open();
        problems.add(message);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    void close() {
        closed = true;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("a ConfigReader is only valid inside Settings.read");
        }
    }
}
