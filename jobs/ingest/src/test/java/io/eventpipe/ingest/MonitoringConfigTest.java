package io.eventpipe.ingest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The Prometheus config and alert rules in deploy/monitoring pass promtool, and the dashboard is valid JSON. */
class MonitoringConfigTest {
    private static final Path DIR = Path.of("../../deploy/monitoring");

    private static String promtool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return fail("promtool is not installed: it comes with Debian's 'prometheus' package "
                    + "(apt-get install prometheus); .ci/run installs it");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void alertRulesPassPromtool() throws Exception {
        assertThat(promtool("check", "rules", DIR.resolve("ingest.rules.yml").toString())).contains("SUCCESS");
    }

    @Test
    void scrapeConfigPassesPromtool() throws Exception {
        assertThat(promtool("check", "config", DIR.resolve("prometheus.yml").toString())).contains("SUCCESS");
    }

    @Test
    void dashboardIsGrafanaJson() throws Exception {
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readString(DIR.resolve("grafana-ingest.json")));
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(6);
        dashboard.path("panels").forEach(p -> assertThat(p.path("targets").size()).isPositive());
    }
}
