package io.eventpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;

/**
 * Flink's Prometheus reporter on a test MiniCluster, scrapes of its {@code /metrics}, and the metric names that a
 * job's Grafana dashboard and alert rules in {@code deploy/monitoring} use.
 *
 * <pre>{@code
 * static final PrometheusScrape PROM = new PrometheusScrape();   // a free port
 * ... new MiniClusterResourceConfiguration.Builder().setConfiguration(PROM.reporter()) ...
 * double n = PrometheusScrape.sum(PROM.scrape(), "flink_..._eventpipe_lateEvents");
 * PrometheusScrape.assertUsedMetricsExist(PROM.scrape(), PrometheusScrape.monitoringFile("aggregate.rules.yml"));
 * }</pre>
 */
public final class PrometheusScrape {
    /** {@code deploy/monitoring}, from a module directory (the working directory of its tests). */
    public static final Path MONITORING = Repo.path("deploy/monitoring");

    private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+");

    private final int port;

    /** A reporter on a free port. */
    public PrometheusScrape() {
        this.port = freePort();
    }

    public int port() {
        return port;
    }

    /** MiniCluster configuration with Flink's Prometheus reporter serving {@code /metrics} on {@link #port()}. */
    public Configuration reporter() {
        Configuration c = new Configuration();
        c.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", Integer.toString(port));
        return c;
    }

    /** The text of {@code /metrics} now. */
    public String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /**
     * Sum over all series of {@code name} whose label text contains every {@code labels} fragment, e.g.
     * {@code reason="MALFORMED"} or {@code operator_name="Source:} (Flink writes operator names with '_' for spaces
     * and dots).
     */
    public static double sum(String scrape, String name, String... labels) {
        return values(scrape, name, labels).sum();
    }

    /** Largest value among the matching series (see {@link #sum}); NaN when there is none. */
    public static double max(String scrape, String name, String... labels) {
        return values(scrape, name, labels).max().orElse(Double.NaN);
    }

    private static java.util.stream.DoubleStream values(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> {
                    for (String l : labels) {
                        if (!line.contains(l)) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }

    /** Names of all series in a scrape. */
    public static Set<String> names(String scrape) {
        return scrape.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.replaceAll("[{ ].*", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A file of {@code deploy/monitoring}. */
    public static Path monitoringFile(String name) {
        return MONITORING.resolve(name);
    }

    /** The {@code flink_*} metric names the given dashboards and rule files use (at least one). */
    public static Set<String> metricNamesUsedIn(Path... files) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path f : files) {
            Set<String> inFile = new TreeSet<>();
            Matcher m = METRIC.matcher(Files.readString(f));
            while (m.find()) {
                inFile.add(m.group());
            }
            assertThat(inFile).as("flink_* metrics used in %s", f).isNotEmpty();
            names.addAll(inFile);
        }
        return names;
    }

    /**
     * Asserts that every metric the given dashboards and rule files use is in {@code scrape}, and writes the scrape
     * to {@code target/metrics-scrape.txt} for whoever edits them.
     */
    public static void assertUsedMetricsExist(String scrape, Path... files) throws IOException {
        Files.writeString(Path.of("target/metrics-scrape.txt"), scrape);
        Set<String> scraped = names(scrape);
        for (Path f : files) {
            for (String used : metricNamesUsedIn(f)) {
                assertThat(scraped)
                        .as("metric %s used in %s (see target/metrics-scrape.txt)", used, f)
                        .contains(used);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
