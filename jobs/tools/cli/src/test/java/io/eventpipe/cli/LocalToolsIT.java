package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.cli.CommandRun.Result;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import io.eventpipe.testkit.KafkaBrokerExtension;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tools as a user runs them: the local run, the producer and the topics command. */
class LocalToolsIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path tmp;

    private static Result eventpipe(String... args) {
        return CommandRun.run(args);
    }

    private static long number(String output, String label) {
        Matcher m = Pattern.compile("  " + Pattern.quote(label) + " +([0-9,]+)").matcher(output);
        assertThat(m.find()).as("'%s' in%n%s", label, output).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void localRunShowsEventsFlowingAndASummaryThatAddsUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = tmp.resolve("local");
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Result r = eventpipe(
                "run",
                "--duration",
                "25s",
                "--rate",
                "200",
                "--web-port",
                Integer.toString(port),
                "--metrics-port",
                Integer.toString(metricsPort),
                "--data-dir",
                data.toString(),
                "--status-interval",
                "2s");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("Flink web UI: http://localhost:" + port)
                .contains("Summary")
                .contains("Prometheus metrics: http://localhost:" + metricsPort + "/metrics");
        assertThat(r.output()
                        .lines()
                        .filter(l ->
                                l.matches("\\[\\d\\d:\\d\\d] ingest RUNNING \\| aggregate RUNNING \\| produced .*"))
                        .count())
                .as(r.output())
                .isGreaterThanOrEqualTo(3);
        // only our own lines: Kafka's storage formatter and PostgreSQL print into the log file
        assertThat(r.output())
                .doesNotContain("Formatting metadata directory")
                .doesNotContain("Bootstrap metadata")
                .contains("restarts            ingest 0, aggregate 0")
                .doesNotContain("  ! ");
        long produced = number(r.output(), "produced");
        long clean = number(r.output(), "clean (committed)");
        long dups = number(r.output(), "duplicates dropped");
        long dead = number(r.output(), "dead-lettered");
        assertThat(produced).isGreaterThan(1000);
        assertThat(clean).isPositive();
        assertThat(dups).isPositive();
        assertThat(dead).isPositive();
        assertThat(clean + dups + dead).as(r.output()).isEqualTo(produced);
        try (var files = java.nio.file.Files.walk(data.resolve("lake"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".parquet")).count())
                    .isPositive();
        }
        // the aggregate job wrote windows to PostgreSQL, and the summary shows the latest
        Matcher windows = Pattern.compile("windows written ([0-9,]+)").matcher(r.output());
        long lastCount = 0;
        while (windows.find()) {
            lastCount = Long.parseLong(windows.group(1).replace(",", ""));
        }
        assertThat(lastCount).as(r.output()).isPositive();
        assertThat(r.output())
                .contains("Latest windows (event_windows)")
                .containsPattern("order\\.created +\\S+ +\\d+ +\\{\"max_amount\": ");
    }

    /**
     * A job that cannot run is named on the status line with its state and the last failure's cause, the summary
     * counts its restarts, and the run exits with 1. The failure: a sink transaction timeout above what the broker
     * allows (its transaction.max.timeout.ms is 15 min; the configuration claims 1 h), which the brokers refuse when
     * the ingest job's Kafka sinks start.
     */
    @Test
    void localRunSaysPlainlyWhenAJobFails() throws Exception {
        int port;
        int metricsPort;
        try (ServerSocket a = new ServerSocket(0);
                ServerSocket b = new ServerSocket(0)) {
            port = a.getLocalPort();
            metricsPort = b.getLocalPort();
        }
        Result r = eventpipe(
                "run",
                "--duration",
                "15s",
                "--rate",
                "100",
                "--web-port",
                Integer.toString(port),
                "--metrics-port",
                Integer.toString(metricsPort),
                "--data-dir",
                tmp.resolve("failing").toString(),
                "--status-interval",
                "2s",
                "--set",
                "kafka.transaction-max-timeout=1h",
                "--set",
                "sink.transaction-timeout=30min");
        assertThat(r.code()).as(r.output()).isEqualTo(1);
        assertThat(r.output())
                .containsPattern("\\[\\d\\d:\\d\\d] ingest FAILED \\(\\d+ restarts?\\) \\| aggregate RUNNING")
                .containsPattern("  ! ingest job: FAILED; last failure: .*transaction\\.max\\.timeout\\.ms")
                .containsPattern("restarts +ingest [1-9]\\d*, aggregate 0")
                .doesNotContain("! aggregate job");
        assertThat(number(r.output(), "clean (committed)")).isZero();
    }

    @Test
    void produceSendsEveryLineOrNothing() throws Exception {
        KAFKA.createTopic("produce.ok", 2);
        Path good = tmp.resolve("good.jsonl");
        Files.write(
                good,
                List.of(
                        "{\"id\":\"e-1\",\"time\":\"2026-11-27T10:00:00Z\",\"type\":\"page.viewed\",\"source\":\"web\","
                                + "\"payload\":{\"path\":\"/\"}}",
                        "",
                        "{\"id\":\"e-2\",\"time\":1795000000000,\"type\":\"user.signed_up\",\"source\":\"web\","
                                + "\"payload\":{\"userId\":\"u-1\"},\"headers\":{\"traceId\":\"abc\"}}"));
        Result ok = eventpipe(
                "produce",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                "produce.ok",
                "--file",
                good.toString());
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("sent 2 events to produce.ok");
        EventDecoder decoder = new EventDecoder(EventFormat.AVRO, EnvelopeSchemas.load());
        List<String> ids = new ArrayList<>();
        for (var rec : KAFKA.readCommitted("produce.ok")) {
            Event e = decoder.decode(rec.value());
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
            ids.add(e.getId());
        }
        assertThat(ids).containsExactlyInAnyOrder("e-1", "e-2");

        KAFKA.createTopic("produce.bad", 1);
        Path bad = tmp.resolve("bad.jsonl");
        Files.write(
                bad,
                List.of(
                        "{\"id\":\"e-1\",\"time\":\"2026-11-27T10:00:00Z\",\"type\":\"t\",\"source\":\"s\",\"payload\":{}}",
                        "{\"id\":\"e-2\",\"time\":\"yesterday\",\"type\":\"t\",\"source\":\"s\",\"payload\":{}}"));
        Result rejected = eventpipe(
                "produce",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                "produce.bad",
                "--file",
                bad.toString());
        assertThat(rejected.code()).isEqualTo(1);
        assertThat(rejected.output()).contains("bad.jsonl:2: field 'time'").contains("nothing was sent");
        assertThat(KAFKA.readCommitted("produce.bad")).isEmpty();
    }

    /** A file is streamed, not loaded: progress lines while it is checked and sent, every event arrives once. */
    @Test
    void produceStreamsLargeFilesWithProgress() throws Exception {
        KAFKA.createTopic("produce.large", 3);
        Path large = tmp.resolve("large.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            lines.add("{\"id\":\"big-" + i + "\",\"time\":\"2026-11-27T10:00:00Z\",\"type\":\"page.viewed\","
                    + "\"source\":\"web\",\"payload\":{\"path\":\"/" + i + "\"}}");
        }
        Files.write(large, lines);
        Result r = eventpipe(
                "produce",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                "produce.large",
                "--file",
                large.toString(),
                "--progress-every",
                "1000");
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("checked 2,000 lines")
                .contains("sent 1,000 of 2,500 events (40%)")
                .contains("sent 2,000 of 2,500 events (80%)")
                .contains("sent 2500 events to produce.large");
        assertThat(KAFKA.readCommitted("produce.large"))
                .extracting(rec -> new String(rec.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(lines.stream()
                        .map(l -> l.substring(7, l.indexOf('"', 7)))
                        .toList());

        // many bad lines: the first 20 are listed, all are counted, nothing is sent
        KAFKA.createTopic("produce.manybad", 1);
        List<String> bad = new ArrayList<>(lines.subList(0, 10));
        for (int i = 0; i < 25; i++) {
            bad.add("{\"id\":\"x\"}");
        }
        Files.write(large, bad);
        Result rejected = eventpipe(
                "produce",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                "produce.manybad",
                "--file",
                large.toString());
        assertThat(rejected.code()).isEqualTo(1);
        assertThat(rejected.output())
                .contains("large.jsonl:11: ")
                .contains("large.jsonl:30: ")
                .doesNotContain("large.jsonl:31: ")
                .contains("(first 20 shown) 25 bad line(s); nothing was sent");
        assertThat(KAFKA.readCommitted("produce.manybad")).isEmpty();
    }

    @Test
    void topicsAreCreatedWithTheirLayoutAndChecked() {
        String[] common = {
            "--set",
            "kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
            "--set",
            "topics.input=t.events",
            "--set",
            "topics.clean=t.clean",
            "--set",
            "topics.dlq=t.dlq",
            "--set",
            "topics.replication-factor=1",
            "--set",
            "topics.min-insync-replicas=1",
            "--set",
            "lake.enabled=false",
            "--set",
            "sink.dlq.archive-path=file:///tmp/eventpipe-test/dead-letters"
        };
        Result created = eventpipe(concat(new String[] {"topics", "create"}, common));
        assertThat(created.code()).as(created.output()).isZero();
        assertThat(created.output())
                .contains("created t.events: 6 partitions")
                .contains("created t.dlq")
                .contains("retention 30 d");
        Result again = eventpipe(concat(new String[] {"topics", "create"}, common));
        assertThat(again.output()).contains("exists  t.events");

        Result checked = eventpipe(concat(new String[] {"topics", "check"}, common));
        assertThat(checked.code()).as(checked.output()).isZero();
        Result mismatch = eventpipe(concat(
                new String[] {"topics", "check", "--set", "topics.partitions=12", "--set", "topics.retention=60d"},
                common));
        assertThat(mismatch.code()).isEqualTo(1);
        assertThat(mismatch.output())
                .contains("MISMATCH t.events: 6 partitions, expected at least 12")
                .contains("MISMATCH t.clean: retention.ms 604800000, expected at least 5184000000");
        Result aggregate = eventpipe(
                "topics",
                "create",
                "--job",
                "aggregate",
                "--set",
                "kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--set",
                "topics.clean=t.clean",
                "--set",
                "topics.dlq=t.dlq",
                "--set",
                "topics.results=t.stats",
                "--set",
                "topics.late=t.late",
                "--set",
                "topics.replication-factor=1",
                "--set",
                "topics.min-insync-replicas=1",
                "--set",
                "postgres.url=jdbc:postgresql://localhost/x",
                "--set",
                "postgres.user=u",
                "--set",
                "sink.dlq.archive-path=file:///tmp/eventpipe-test/dead-letters");
        assertThat(aggregate.code()).as(aggregate.output()).isZero();
        assertThat(aggregate.output())
                .contains("exists  t.clean")
                .contains("created t.stats")
                .contains("created t.late");
        Result badConfig =
                eventpipe(concat(new String[] {"topics", "check", "--set", "topics.partitions=many"}, common));
        assertThat(badConfig.code()).isEqualTo(2);
        assertThat(badConfig.output()).contains("topics.partitions: 'many' must be a whole number");

        // no broker: one line saying why, the stack trace only in the log file
        Result unreachable = eventpipe(concat(concat(new String[] {"topics", "check"}, common), new String[] {
            "--set", "kafka.request-timeout=1s", "--set", "kafka.bootstrap-servers=localhost:" + freePort()
        }));
        assertThat(unreachable.code()).as(unreachable.output()).isEqualTo(1);
        assertThat(unreachable.output())
                .startsWith("eventpipe topics: Kafka brokers at localhost:")
                .contains("did not answer within")
                .contains("(stack trace in ")
                .doesNotContain("\tat ");
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
