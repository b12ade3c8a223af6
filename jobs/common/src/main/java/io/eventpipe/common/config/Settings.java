package io.eventpipe.common.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw configuration: a YAML file flattened to dotted keys, {@code --set key=value} overrides on top, and
 * {@code ${ENV_VAR}} references resolved. Typed values are read through {@link Option}s; every problem is
 * collected and reported at once by {@link #check()}, naming the key, the value as written and the rule.
 *
 * <p>Map-valued sections (such as {@code kafka.properties}) pass their entries through unparsed.
 */
public final class Settings {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Settings.class);
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** Key → value as written (before substitution), for messages. */
    private final Map<String, String> written;
    /** Key → value with environment references resolved. */
    private final Map<String, String> resolved;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private Settings(Map<String, String> written, Function<String, String> env) {
        this.written = written;
        this.resolved = new TreeMap<>();
        written.forEach((k, v) -> {
            String r = substitute(k, v, env);
            if (r != null) {
                resolved.put(k, r);
            }
        });
    }

    /** Reads a YAML file (may be null) and applies {@code key=value} overrides in order. */
    public static Settings load(Path file, List<String> overrides, Function<String, String> env) {
        return load(Map.of(), file, overrides, env);
    }

    /** Like {@link #load(Path, List, Function)} over a base of values that the file and overrides replace. */
    public static Settings load(Map<String, String> base, Path file, List<String> overrides,
            Function<String, String> env) {
        Map<String, String> flat = new TreeMap<>(base);
        List<String> early = new ArrayList<>();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                read(r, file.toString(), flat, early);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                early.add("--set '" + o + "' must have the form key=value");
            } else {
                flat.put(o.substring(0, eq).trim(), o.substring(eq + 1));
            }
        }
        Settings s = new Settings(flat, env);
        s.problems.addAll(0, early);
        return s;
    }

    /**
     * A YAML configuration document flattened to dotted keys (values as written, {@code ${VAR}} unresolved), for a
     * base of defaults; any problem in it throws, naming {@code name}.
     */
    public static Map<String, String> readYaml(Reader yaml, String name) {
        Map<String, String> flat = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        read(yaml, name, flat, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("\n", problems));
        }
        return flat;
    }

    private static void read(Reader yaml, String name, Map<String, String> flat, List<String> problems) {
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            if (doc instanceof Map<?, ?> m) {
                flatten("", m, flat, problems);
            } else if (doc != null) {
                problems.add(name + ": the top level must be a mapping of keys to values");
            }
        } catch (YAMLException e) {
            throw new ConfigException("configuration file " + name + " is not valid YAML: " + e.getMessage());
        }
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(new TreeMap<>(values), System::getenv);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, List<String> problems) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                flatten(key + ".", m, out, problems);
            } else if (v instanceof Collection<?>) {
                problems.add(key + ": lists are not supported here; give a single value");
            } else if (v == null) {
                problems.add(key + ": has no value");
            } else {
                out.put(key, v.toString());
            }
        }
    }

    private String substitute(String key, String value, Function<String, String> env) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String var = m.group(1);
            String v = env.apply(var);
            if (v == null) {
                problems.add(key + ": refers to environment variable " + var + ", which is not set");
                ok = false;
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return ok ? sb.toString() : null;
    }

    /** The key an option's value is written under: its own, else the first deprecated one that is written. */
    private String keyOf(Option<?> option) {
        if (!written.containsKey(option.key())) {
            for (String old : option.deprecatedKeys()) {
                if (written.containsKey(old)) {
                    return old;
                }
            }
        }
        return option.key();
    }

    /** The typed value of an option, or its default; a missing required value or a bad one is recorded. */
    public <T> T get(Option<T> option) {
        String key = keyOf(option);
        String raw = resolved.get(key);
        boolean fromDefault = raw == null;
        if (fromDefault) {
            if (written.containsKey(key)) {
                return null; // unresolved environment reference, already reported
            }
            raw = option.defaultValue();
            if (raw == null) {
                return null;
            }
        }
        try {
            return option.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": '" + shown(key) + "' " + e.getMessage());
            return null;
        }
    }

    /** Like {@link #get} but records a problem when the option has neither a value nor a default. */
    public <T> T require(Option<T> option) {
        T v = get(option);
        if (v == null && !written.containsKey(keyOf(option))) {
            problems.add(option.key() + ": is required (" + option.description() + ")");
        }
        return v;
    }

    /** Warnings of the last {@link #check}: deprecated keys in use, each naming its replacement. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Every entry below {@code prefix.} with the prefix removed, values resolved. */
    public Map<String, String> section(String prefix) {
        String p = prefix + ".";
        Map<String, String> out = new LinkedHashMap<>();
        resolved.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    /** Records a problem found by a check across several keys. */
    public void problem(String message) {
        problems.add(message);
    }

    /**
     * Rejects keys that are neither options nor inside a declared section, then throws one
     * {@link ConfigException} listing every problem found so far.
     */
    public void check(Collection<Option<?>> options, Collection<String> sections) {
        for (String key : written.keySet()) {
            boolean known = options.stream().anyMatch(o -> o.key().equals(key) || o.deprecatedKeys().contains(key))
                    || sections.stream().anyMatch(s -> key.startsWith(s + "."));
            if (!known) {
                problems.add(0, key + ": unknown key" + suggestion(key, options));
            }
        }
        warnings.clear();
        for (Option<?> o : options) {
            for (String old : o.deprecatedKeys()) {
                if (!written.containsKey(old)) {
                    continue;
                }
                if (written.containsKey(o.key())) {
                    problems.add(old + ": deprecated name of " + o.key() + ", which is set too; remove " + old);
                } else {
                    warnings.add(old + " is deprecated and will be removed; its value is used as " + o.key()
                            + ": rename the key");
                }
            }
        }
        warnings.forEach(LOG::warn);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The closest known key, if one is within two edits: catches typos such as {@code dedup.tll}. */
    private static String suggestion(String key, Collection<Option<?>> options) {
        String best = null;
        int bestDistance = 3;
        for (Option<?> o : options) {
            int d = distance(key, o.key());
            if (d < bestDistance) {
                best = o.key();
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The value as written, masked where the key names a secret. */
    public String shown(String key) {
        String v = written.get(key);
        if (v == null) {
            return "";
        }
        return Secrets.isSecretKey(key) && !ENV_REF.matcher(v).matches() ? Secrets.MASK : v;
    }
}
