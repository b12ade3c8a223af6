package io.eventpipe.testkit.registry;

import io.eventpipe.testkit.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real schema registry in its own JVM: Apicurio Registry (a Quarkus application, from Maven Central's
 * {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}, which the module's build unpacks), on a free
 * loopback port, serving the Confluent-compatible REST API at {@link #url()}. It needs Java 21 or later ({@link
 * Jdks}). Its storage is in memory: {@link #stop()} then {@link #restart()} is an outage on the same port after
 * which the registry knows no schema.
 */
public final class SchemaRegistryProcess implements AutoCloseable {
    /** The path of the Confluent-compatible API under the server's root. */
    public static final String CCOMPAT = "/apis/ccompat/v7";

    private final Path distribution;
    private final Path java;
    private final Path log;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private SchemaRegistryProcess(Path distribution, Path java, Path log, int port) {
        this.distribution = distribution;
        this.java = java;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the registry of the unpacked {@code distribution} (the directory with {@code quarkus-run.jar}) with the
     * {@code java} launcher given, logging to {@code dir/registry.log}, and waits until it answers.
     */
    public static SchemaRegistryProcess start(Path distribution, Path java, Path dir) throws Exception {
        if (!Files.isRegularFile(distribution.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("no quarkus-run.jar in " + distribution
                    + ": the module's build unpacks apicurio-registry-app there before the integration tests");
        }
        Files.createDirectories(dir);
        SchemaRegistryProcess r =
                new SchemaRegistryProcess(distribution, java, dir.resolve("registry.log"), Ports.free(1)[0]);
        r.restart();
        return r;
    }

    /** The Confluent-compatible API, for example {@code http://127.0.0.1:P/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT;
    }

    public int port() {
        return port;
    }

    /** Starts the server again on the same port (with empty storage) and waits until it answers. */
    public void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the registry is running");
        }
        List<String> cmd = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // the management interface and telemetry are not needed, and must not take a port of their own
                "-Dquarkus.management.enabled=false",
                "-Dquarkus.otel.enabled=false",
                "-jar",
                "quarkus-run.jar"));
        process = new ProcessBuilder(cmd)
                .directory(distribution.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the schema registry exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the schema registry did not answer within 2 minutes; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Whether {@code GET /subjects} answers 200. */
    public boolean answers() {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the server (its port refuses connections until {@link #restart()}). */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
