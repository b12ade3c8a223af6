package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.testkit.cluster.FlinkStandaloneCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jars carry what the jobs run and nothing that the cluster provides or that only tests and the local
 * run use: no test kit, no Flink runtime classes (the cluster has its own; two copies break class loading), no
 * Kafka broker, no test frameworks.
 */
class JobJarsIT {
    /** Entries no job jar may hold, each with why. */
    private static final List<Pattern> FORBIDDEN = List.of(
            // the test kit (embedded Kafka and PostgreSQL, the generator, JUnit extensions)
            Pattern.compile("io/eventpipe/(testkit|localkit|common/embedded|common/generate)/.+"),
            // Flink's own classes: the cluster provides them (connectors and formats are the jobs' to bring)
            Pattern.compile("org/apache/flink/(runtime|core|api|configuration|util|streaming/api|streaming/runtime|"
                    + "state|metrics)/.*\\.class"),
            // the Kafka broker: its Scala package and server-side modules (kafka-clients' own org.apache.kafka.server
            // interfaces, for authorizers, policies, quotas and telemetry, are client API)
            Pattern.compile("kafka/.*\\.class"),
            Pattern.compile("org/apache/kafka/(controller|raft|metadata|storage|image|coordinator|network|"
                    + "common/test|server/(?!authorizer/|policy/|quota/|telemetry/)).+"),
            // test frameworks and the embedded database
            Pattern.compile("(org/junit|org/assertj|org/awaitility|io/zonky|org/duckdb)/.+"));

    @Test
    void jobJarsHoldNoTestKitFlinkRuntimeOrKafkaBroker() throws Exception {
        for (String job : List.of("ingest", "aggregate")) {
            Path jar = FlinkStandaloneCluster.jobJar(job);
            try (JarFile file = new JarFile(jar.toFile())) {
                List<String> names = file.stream().map(e -> e.getName()).toList();
                assertThat(names)
                        .as(job)
                        .contains("io/eventpipe/" + job + "/" + (job.equals("ingest") ? "IngestJob" : "AggregateJob")
                                + ".class");
                for (Pattern forbidden : FORBIDDEN) {
                    assertThat(names)
                            .as("%s job jar: entries matching %s", job, forbidden)
                            .noneMatch(n -> forbidden.matcher(n).matches());
                }
            }
        }
    }
}
