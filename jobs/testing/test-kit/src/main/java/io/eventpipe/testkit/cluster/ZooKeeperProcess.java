package io.eventpipe.testkit.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real standalone ZooKeeper server in its own JVM ({@code org.apache.zookeeper.server.quorum.QuorumPeerMain}), on a
 * free loopback port, with its data under a directory of its own, so that it can be stopped and started again on the
 * same port and data as an outage would: {@link #stop()}, then {@link #restart()}. The module that uses it puts
 * {@code org.apache.zookeeper:zookeeper} with its optional {@code metrics-core} and {@code snappy-java} on the test
 * classpath: without them the server answers {@code ruok} but never loads its database, so readiness is judged by
 * {@code srvr} reporting a serving standalone server.
 */
public final class ZooKeeperProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    private ZooKeeperProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Writes {@code zoo.cfg} under {@code dir} and starts the server on a free port. */
    public static ZooKeeperProcess start(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // tickTime 1 s: sessions may last from 2 s to 20 s; Flink asks for its session timeout within that range
        Files.writeString(
                dir.resolve("zoo.cfg"),
                String.join(
                        "\n",
                        "tickTime=1000",
                        "initLimit=10",
                        "syncLimit=5",
                        "dataDir=" + dir.resolve("data"),
                        "clientPort=" + port,
                        "clientPortAddress=127.0.0.1",
                        "maxClientCnxns=0",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=srvr,ruok",
                        "",
                        ""));
        Files.writeString(dir.resolve("log4j2.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = file
                appender.file.type = File
                appender.file.name = file
                appender.file.fileName = %s
                appender.file.append = true
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %%d{HH:mm:ss,SSS} %%-5p %%c - %%m%%n
                """.formatted(dir.resolve("zookeeper.log")));
        ZooKeeperProcess zk = new ZooKeeperProcess(dir, port);
        zk.launch();
        return zk;
    }

    /** The connect string of this one-server ensemble, for {@code high-availability.zookeeper.quorum}. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Whether the server process is alive. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server again after {@link #stop()}: same port, same data. */
    public void restart() throws Exception {
        if (isRunning()) {
            throw new IllegalStateException("ZooKeeper is running");
        }
        launch();
    }

    /** Stops the server (SIGTERM) and waits for it to exit. */
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

    private void launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
                "-Dzookeeper.jmx.log4j.disable=true",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                dir.resolve("zoo.cfg").toString()));
        process = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("zookeeper.out").toFile()))
                .start();
        try {
            awaitServing();
        } catch (Exception | Error e) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Waits up to 60 s until {@code srvr} reports a standalone server that serves requests. */
    private void awaitServing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ZooKeeper exited with " + process.exitValue() + "; see "
                        + dir.resolve("zookeeper.log") + " and " + dir.resolve("zookeeper.out"));
            }
            try {
                last = fourLetterWord("srvr");
                if (last.contains("Mode: standalone")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("ZooKeeper did not serve within 60 s (last answer to srvr: " + last + "); see "
                + dir.resolve("zookeeper.log"));
    }

    /** Sends one of ZooKeeper's four-letter commands and returns the answer (bounded to 64 KiB). */
    public String fourLetterWord(String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(65_536);
            return new String(answer, StandardCharsets.US_ASCII);
        }
    }
}
