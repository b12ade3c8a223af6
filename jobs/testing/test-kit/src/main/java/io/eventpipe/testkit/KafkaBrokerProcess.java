package io.eventpipe.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node KRaft Kafka broker in its own JVM with a PLAINTEXT listener on loopback, which can be stopped
 * and started again on the same port and data, as an outage in production would: {@link #stop()}, then
 * {@link #restart()}. Also the process mechanics that {@link SecuredKafkaBroker} shares: the single-node settings,
 * formatting the storage, launching the JVM and waiting for it to answer.
 */
public final class KafkaBrokerProcess implements AutoCloseable, CommittedReader {
    private final Path dir;
    private final int port;
    private Process process;

    private KafkaBrokerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Formats storage under {@code dir} and starts the broker on a free port. */
    public static KafkaBrokerProcess start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int[] ports = Ports.free(2);
        int controllerPort = ports[0];
        int port = ports[1];
        Properties server = singleNode(dir, controllerPort);
        server.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        server.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        server.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        format(dir, server, List.of());
        KafkaBrokerProcess b = new KafkaBrokerProcess(dir, port);
        b.launch();
        return b;
    }

    /** Starts the broker again after {@link #stop()}: same port, same data. */
    public void restart() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        launch();
    }

    private void launch() throws Exception {
        process = launch(dir);
        try {
            awaitReady(dir, process, port, this::admin);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Stops the broker (SIGTERM, a controlled shutdown) and waits for it to exit. */
    public void stop() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** The broker's process, for measurements such as its CPU time; fails when it is not running. */
    public ProcessHandle processHandle() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("the broker is not running");
        }
        return process.toHandle();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Properties clientConfig() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers());
        return p;
    }

    public Admin admin() {
        return Admin.create(clientConfig());
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * An idempotent producer for records of up to 4 MB that rides out a broker outage of minutes: what it sends
     * lands exactly once or its callback reports the failure.
     */
    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = clientConfig();
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("linger.ms", "5");
        p.setProperty("max.request.size", "4000000");
        p.setProperty("buffer.memory", "67108864");
        p.setProperty("delivery.timeout.ms", "300000");
        p.setProperty("max.block.ms", "300000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return KafkaBrokerExtension.readCommitted(clientConfig(), topic);
    }

    // --- what both broker processes share

    /** Single-node KRaft settings without listeners: storage, replication 1, transactions up to 15 min. */
    static Properties singleNode(Path dir, int controllerPort) {
        Properties server = new Properties();
        server.setProperty("process.roles", "broker,controller");
        server.setProperty("node.id", "1");
        server.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        server.setProperty("controller.listener.names", "CONTROLLER");
        server.setProperty("log.dirs", dir.resolve("data").toString());
        server.setProperty("num.partitions", "1");
        server.setProperty("auto.create.topics.enable", "false");
        server.setProperty("offsets.topic.replication.factor", "1");
        server.setProperty("offsets.topic.num.partitions", "4");
        server.setProperty("transaction.state.log.replication.factor", "1");
        server.setProperty("transaction.state.log.min.isr", "1");
        server.setProperty("transaction.state.log.num.partitions", "4");
        server.setProperty("share.coordinator.state.topic.replication.factor", "1");
        server.setProperty("share.coordinator.state.topic.min.isr", "1");
        server.setProperty("group.initial.rebalance.delay.ms", "0");
        server.setProperty("transaction.max.timeout.ms", "900000");
        server.setProperty("log.retention.ms", "-1");
        // topics accept any timestamp unless they say otherwise, as in EmbeddedKafka
        server.setProperty("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        return server;
    }

    /** Writes {@code server.properties} and a file-only log4j config into {@code dir}, and formats the storage. */
    static void format(Path dir, Properties server, List<String> extraFormatArgs) throws Exception {
        try (var w = Files.newBufferedWriter(dir.resolve("server.properties"))) {
            server.store(w, "eventpipe test broker");
        }
        Files.writeString(dir.resolve("log4j2.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = file
                appender.file.type = File
                appender.file.name = file
                appender.file.fileName = %s
                appender.file.append = true
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %%d{HH:mm:ss,SSS} %%-5p %%c - %%m%%n
                """.formatted(dir.resolve("broker.log")));
        List<String> format = new ArrayList<>(List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                dir.resolve("server.properties").toString(),
                "--standalone"));
        format.addAll(extraFormatArgs);
        Process formatting = java(dir, format)
                .redirectOutput(dir.resolve("format.log").toFile())
                .start();
        if (!formatting.waitFor(2, TimeUnit.MINUTES) || formatting.exitValue() != 0) {
            formatting.destroyForcibly();
            throw new IllegalStateException(
                    "formatting the broker's storage failed: " + Files.readString(dir.resolve("format.log")));
        }
    }

    /** Starts {@code kafka.Kafka} on the {@code server.properties} in {@code dir}. */
    static Process launch(Path dir) throws IOException {
        return java(dir, List.of("kafka.Kafka", dir.resolve("server.properties").toString()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.out").toFile()))
                .start();
    }

    private static ProcessBuilder java(Path dir, List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
                "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    }

    /** Waits up to 90 s until the broker on {@code port} answers an admin client. */
    static void awaitReady(Path dir, Process process, int port, Supplier<Admin> admins) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the broker exited with " + process.exitValue() + "; see " + dir.resolve("broker.log"));
            }
            try (Socket probe = new Socket("127.0.0.1", port);
                    Admin admin = admins.get()) {
                // only once the listener is up: an admin client that never connects retries long after close
                admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        throw new IllegalStateException(
                "the broker did not answer within 90 s; see " + dir.resolve("broker.log"), last);
    }
}
