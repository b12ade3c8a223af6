package io.eventpipe.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    static final Option<Duration> INTERVAL = Option.duration("checkpoint.interval", "10s", "interval");
    static final Option<Integer> PARALLELISM = Option.integer("job.parallelism", 1, 1, "parallelism");
    static final List<Option<?>> OPTIONS = List.of(INTERVAL, PARALLELISM);

    @TempDir
    Path dir;

    private Settings load(String yaml, List<String> sets, Map<String, String> env) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, yaml);
        return Settings.load(f, sets, env::get);
    }

    /** Reads the two options, as a job's config does, and returns them. */
    private static List<Object> read(Settings s, List<String> sections) {
        return s.read(OPTIONS, sections, r -> java.util.Arrays.asList(r.get(INTERVAL), r.get(PARALLELISM)));
    }

    @Test
    void nestedYamlBecomesDottedKeysAndSetOverridesIt() throws Exception {
        Settings s =
                load("checkpoint:\n  interval: 30s\njob:\n  parallelism: 2\n", List.of("job.parallelism=4"), Map.of());
        assertThat(read(s, List.of())).containsExactly(Duration.ofSeconds(30), 4);
    }

    @Test
    void everyProblemIsReportedWithKeyValueAndRule() throws Exception {
        Settings s =
                load("checkpoint:\n  interval: soon\njob:\n  parallelism: 0\n  parallelizm: 3\n", List.of(), Map.of());
        assertThatThrownBy(() -> read(s, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoint.interval: 'soon' must be a duration")
                .hasMessageContaining("job.parallelism: '0' must be >= 1")
                .hasMessageContaining("job.parallelizm: unknown key");
    }

    /** Reading records nothing in the settings: a second read gives the same answer, a failed one leaves no trace. */
    @Test
    void readingHasNoSideEffects() throws Exception {
        Settings bad = load("checkpoint:\n  interval: soon\n", List.of(), Map.of());
        String first = catchMessage(() -> read(bad, List.of()));
        String second = catchMessage(() -> read(bad, List.of()));
        assertThat(second).isEqualTo(first);
        assertThat(first.lines().filter(l -> l.contains("checkpoint.interval")).count())
                .isEqualTo(1);

        Settings ok = load("job:\n  parallelism: 3\n", List.of(), Map.of());
        assertThatThrownBy(() -> ok.read(OPTIONS, List.of(), r -> {
                    r.problem("a rule across keys failed");
                    return null;
                }))
                .hasMessageContaining("a rule across keys failed");
        assertThat(read(ok, List.of())).containsExactly(Duration.ofSeconds(10), 3);

        ConfigReader[] escaped = new ConfigReader[1];
        ok.read(OPTIONS, List.of(), r -> escaped[0] = r);
        assertThatThrownBy(() -> escaped[0].get(INTERVAL)).isInstanceOf(IllegalStateException.class);
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void environmentReferencesAreResolvedAndMissingOnesNamed() throws Exception {
        Settings ok = load("kafka:\n  properties:\n    sasl.password: ${PW}\n", List.of(), Map.of("PW", "hunter2"));
        assertThat(ok.section("kafka.properties")).containsEntry("sasl.password", "hunter2");
        read(ok, List.of("kafka.properties"));

        Settings missing = load("kafka:\n  properties:\n    sasl.password: ${PW}\n", List.of(), Map.of());
        assertThatThrownBy(() -> read(missing, List.of("kafka.properties")))
                .hasMessageContaining("kafka.properties.sasl.password: refers to environment variable PW");
    }

    @Test
    void secretValuesNeverAppearInMessages() throws Exception {
        Settings s = load("a:\n  ssl.key.password: hunter2\n", List.of(), Map.of());
        assertThatThrownBy(() -> read(s, List.of()))
                .hasMessageContaining("a.ssl.key.password: unknown key")
                .hasMessageNotContaining("hunter2");
        assertThat(s.shown("a.ssl.key.password")).isEqualTo(Secrets.MASK);
    }

    @Test
    void malformedOverrideAndYamlAreReported() throws Exception {
        Settings s = load("job: {parallelism: 2}\n", List.of("novalue"), Map.of());
        assertThatThrownBy(() -> read(s, List.of())).hasMessageContaining("--set 'novalue'");
        assertThatThrownBy(() -> load("job: [unclosed\n", List.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }

    static final Option<Duration> RENAMED = Option.duration("sink.commit-timeout", "10min", "timeout")
            .withDeprecatedKeys("sink.transaction-timeout-old");

    private static Duration readRenamed(Settings s) {
        return s.read(List.of(RENAMED), List.of(), r -> r.get(RENAMED));
    }

    /** An old key keeps working, with a warning that names the new one; its bad value is reported by its name. */
    @Test
    void aDeprecatedKeyStillWorksWithAWarningNamingTheNewOne() throws Exception {
        Settings old = load("sink:\n  transaction-timeout-old: 7min\n", List.of(), Map.of());
        assertThat(readRenamed(old)).isEqualTo(Duration.ofMinutes(7));
        assertThat(old.warnings(List.of(RENAMED)))
                .containsExactly("sink.transaction-timeout-old is deprecated and "
                        + "will be removed; its value is used as sink.commit-timeout: rename the key");

        Settings renamed = load("sink:\n  commit-timeout: 3min\n", List.of(), Map.of());
        assertThat(readRenamed(renamed)).isEqualTo(Duration.ofMinutes(3));
        assertThat(renamed.warnings(List.of(RENAMED))).isEmpty();

        Settings bad = load("sink:\n  transaction-timeout-old: soon\n", List.of(), Map.of());
        assertThatThrownBy(() -> readRenamed(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.transaction-timeout-old: 'soon' must be a duration");

        Settings both = load("sink:\n  transaction-timeout-old: 7min\n  commit-timeout: 3min\n", List.of(), Map.of());
        assertThatThrownBy(() -> readRenamed(both))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.transaction-timeout-old: deprecated name of sink.commit-timeout, which is "
                        + "set too; remove sink.transaction-timeout-old");
        assertThat(ConfigReference.markdown(List.of(RENAMED)))
                .contains("Deprecated name, still read with a warning: `sink.transaction-timeout-old`.");
    }
}
