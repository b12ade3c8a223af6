package io.eventpipe.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void nestedYamlBecomesDottedKeysAndSetOverridesIt() throws Exception {
        Settings s = load("checkpoint:\n  interval: 30s\njob:\n  parallelism: 2\n", List.of("job.parallelism=4"),
                Map.of());
        assertThat(s.get(INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.get(PARALLELISM)).isEqualTo(4);
        s.check(OPTIONS, List.of());
    }

    @Test
    void everyProblemIsReportedWithKeyValueAndRule() throws Exception {
        Settings s = load("checkpoint:\n  interval: soon\njob:\n  parallelism: 0\n  parallelizm: 3\n", List.of(),
                Map.of());
        s.get(INTERVAL);
        s.get(PARALLELISM);
        assertThatThrownBy(() -> s.check(OPTIONS, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checkpoint.interval: 'soon' must be a duration")
                .hasMessageContaining("job.parallelism: '0' must be >= 1")
                .hasMessageContaining("job.parallelizm: unknown key");
    }

    @Test
    void environmentReferencesAreResolvedAndMissingOnesNamed() throws Exception {
        Settings ok = load("kafka:\n  properties:\n    sasl.password: ${PW}\n", List.of(), Map.of("PW", "hunter2"));
        assertThat(ok.section("kafka.properties")).containsEntry("sasl.password", "hunter2");
        ok.check(OPTIONS, List.of("kafka.properties"));

        Settings missing = load("kafka:\n  properties:\n    sasl.password: ${PW}\n", List.of(), Map.of());
        assertThatThrownBy(() -> missing.check(OPTIONS, List.of("kafka.properties")))
                .hasMessageContaining("kafka.properties.sasl.password: refers to environment variable PW");
    }

    @Test
    void secretValuesNeverAppearInMessages() throws Exception {
        Settings s = load("a:\n  ssl.key.password: hunter2\n", List.of(), Map.of());
        assertThatThrownBy(() -> s.check(OPTIONS, List.of()))
                .hasMessageContaining("a.ssl.key.password: unknown key")
                .hasMessageNotContaining("hunter2");
        assertThat(s.shown("a.ssl.key.password")).isEqualTo(Secrets.MASK);
    }

    @Test
    void malformedOverrideAndYamlAreReported() throws Exception {
        Settings s = load("job: {parallelism: 2}\n", List.of("novalue"), Map.of());
        assertThatThrownBy(() -> s.check(OPTIONS, List.of())).hasMessageContaining("--set 'novalue'");
        assertThatThrownBy(() -> load("job: [unclosed\n", List.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    static final Option<Duration> RENAMED = Option.duration("sink.commit-timeout", "10min", "timeout")
            .withDeprecatedKeys("sink.transaction-timeout-old");

    /** An old key keeps working, with a warning that names the new one; its bad value is reported by its name. */
    @Test
    void aDeprecatedKeyStillWorksWithAWarningNamingTheNewOne() throws Exception {
        Settings old = load("sink:\n  transaction-timeout-old: 7min\n", List.of(), Map.of());
        assertThat(old.get(RENAMED)).isEqualTo(Duration.ofMinutes(7));
        old.check(List.of(RENAMED), List.of());
        assertThat(old.warnings()).containsExactly("sink.transaction-timeout-old is deprecated and will be removed; "
                + "its value is used as sink.commit-timeout: rename the key");

        Settings renamed = load("sink:\n  commit-timeout: 3min\n", List.of(), Map.of());
        assertThat(renamed.get(RENAMED)).isEqualTo(Duration.ofMinutes(3));
        renamed.check(List.of(RENAMED), List.of());
        assertThat(renamed.warnings()).isEmpty();

        Settings bad = load("sink:\n  transaction-timeout-old: soon\n", List.of(), Map.of());
        assertThat(bad.get(RENAMED)).isNull();
        assertThatThrownBy(() -> bad.check(List.of(RENAMED), List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.transaction-timeout-old: 'soon' must be a duration");

        Settings both = load("sink:\n  transaction-timeout-old: 7min\n  commit-timeout: 3min\n", List.of(),
                Map.of());
        assertThat(both.get(RENAMED)).isEqualTo(Duration.ofMinutes(3));
        assertThatThrownBy(() -> both.check(List.of(RENAMED), List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.transaction-timeout-old: deprecated name of sink.commit-timeout, which is "
                        + "set too; remove sink.transaction-timeout-old");
        assertThat(ConfigReference.markdown(List.of(RENAMED)))
                .contains("Deprecated name, still read with a warning: `sink.transaction-timeout-old`.");
    }
}
