package io.eventpipe.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Raw configuration: a YAML file flattened to dotted keys, {@code --set key=value} overrides on top, and
 * {@code ${ENV_VAR}} references resolved. A loaded {@code Settings} never changes. Typed values are read inside
 * {@link #read}, through a {@link ConfigReader} that collects every problem; {@code read} reports them at one point,
 * in one {@link ConfigException} naming the key, the value as written and the rule.
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
    /** Problems found while loading: malformed overrides, unset environment variables. */
    private final List<String> loadProblems;

    private Settings(Map<String, String> written, List<String> early, Function<String, String> env) {
        this.written = Collections.unmodifiableMap(written);
        Map<String, String> res = new TreeMap<>();
        List<String> problems = new ArrayList<>(early);
        written.forEach((k, v) -> {
            String r = substitute(k, v, env, problems);
            if (r != null) {
                res.put(k, r);
            }
        });
        this.resolved = Collections.unmodifiableMap(res);
        this.loadProblems = List.copyOf(problems);
    }

    /** Reads a YAML file (may be null) and applies {@code key=value} overrides in order. */
    public static Settings load(Path file, List<String> overrides, Function<String, String> env) {
        return load(Map.of(), file, overrides, env);
    }

    /** Like {@link #load(Path, List, Function)} over a base of values that the file and overrides replace. */
    public static Settings load(
            Map<String, String> base, Path file, List<String> overrides, Function<String, String> env) {
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
        return new Settings(flat, early, env);
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
        return new Settings(new TreeMap<>(values), List.of(), System::getenv);
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

    private static String substitute(String key, String value, Function<String, String> env, List<String> problems) {
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

    /**
     * Reads typed values with {@code build} and reports, at this one point, every problem: those found while loading,
     * those {@code build} met, and keys that are neither options nor inside a declared section. Warnings (deprecated
     * keys in use) are logged. Reading has no effect on this object: the same settings read twice give the same
     * answer.
     *
     * @throws ConfigException listing every problem
     */
    public <T> T read(Collection<Option<?>> options, Collection<String> sections, Function<ConfigReader, T> build) {
        ConfigReader reader = new ConfigReader(this);
        T value;
        try {
            value = build.apply(reader);
        } finally {
            reader.close();
        }
        List<String> problems = new ArrayList<>(unknownKeys(options, sections));
        problems.addAll(loadProblems);
        problems.addAll(reader.problems());
        problems.addAll(deprecationConflicts(options));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        warnings(options).forEach(LOG::warn);
        return value;
    }

    /** The key an option's value is written under: its own, else the first deprecated one that is written. */
    String keyOf(Option<?> option) {
        if (!written.containsKey(option.key())) {
            for (String old : option.deprecatedKeys()) {
                if (written.containsKey(old)) {
                    return old;
                }
            }
        }
        return option.key();
    }

    boolean isWritten(String key) {
        return written.containsKey(key);
    }

    String resolved(String key) {
        return resolved.get(key);
    }

    /** Deprecated keys in use, each naming its replacement; {@link #read} logs them. */
    public List<String> warnings(Collection<Option<?>> options) {
        List<String> out = new ArrayList<>();
        for (Option<?> o : options) {
            for (String old : o.deprecatedKeys()) {
                if (written.containsKey(old) && !written.containsKey(o.key())) {
                    out.add(old + " is deprecated and will be removed; its value is used as " + o.key()
                            + ": rename the key");
                }
            }
        }
        return out;
    }

    private List<String> deprecationConflicts(Collection<Option<?>> options) {
        List<String> out = new ArrayList<>();
        for (Option<?> o : options) {
            for (String old : o.deprecatedKeys()) {
                if (written.containsKey(old) && written.containsKey(o.key())) {
                    out.add(old + ": deprecated name of " + o.key() + ", which is set too; remove " + old);
                }
            }
        }
        return out;
    }

    private List<String> unknownKeys(Collection<Option<?>> options, Collection<String> sections) {
        List<String> out = new ArrayList<>();
        for (String key : written.keySet()) {
            boolean known = options.stream()
                            .anyMatch(o ->
                                    o.key().equals(key) || o.deprecatedKeys().contains(key))
                    || sections.stream().anyMatch(s -> key.startsWith(s + "."));
            if (!known) {
                out.add(key + ": unknown key" + suggestion(key, options));
            }
        }
        return out;
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
