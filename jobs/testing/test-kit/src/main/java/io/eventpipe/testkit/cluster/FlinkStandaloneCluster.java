package io.eventpipe.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.testkit.Keytool;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A real Flink 2.2 standalone session cluster: a JobManager and TaskManagers as separate JVM processes, started from
 * Flink's Maven jars (assembled into {@code target/flink/lib} by the build) with {@code deploy/standalone/config.yaml},
 * only ports, directories and memory sizes changed. Jobs are submitted with the real CLI. Every process it starts finds
 * Flink's plugins (the S3 file system) in {@code target/flink/plugins}, as a distribution's would in {@code plugins/}.
 *
 * <p>With the ZooKeeper high availability of {@code deploy/standalone/config.yaml}, it starts a real ZooKeeper server
 * ({@link ZooKeeperProcess}) for the cluster's quorum, with the HA storage under the cluster's directory. More
 * JobManagers can then be started as standbys ({@link #startJobManager()}), each with its own configuration directory
 * for its ports as on a host of its own, killed ({@link #killJobManager(int)}) and restarted in place on the same
 * ports ({@link #restartJobManager(int)}). The REST calls go to any JobManager that answers: a standby's REST API
 * serves the leader's answers.
 *
 * <p>The module that runs it names those inputs in system properties, as {@code jobs/testing/cluster-tests}' failsafe
 * configuration does: {@code eventpipe.flink.lib}, {@code eventpipe.flink.plugins}, {@code eventpipe.standalone.config}
 * and, for {@link #jobJar}, {@code eventpipe.<job>.jar}.
 */
public final class FlinkStandaloneCluster implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern RESOURCE_ID = Pattern.compile("Starting TaskManager with ResourceID: (\\S+)");
    private static final String GRANTED = "DefaultDispatcherRunner was granted leadership";
    private static final String REVOKED = "DefaultDispatcherRunner was revoked the leadership";

    private final Path home;
    private final Path lib = Path.of(System.getProperty("eventpipe.flink.lib"));
    private final Path plugins = Path.of(System.getProperty("eventpipe.flink.plugins"));
    private final int restPort;
    private final List<String> javaOpts;
    /** {@code env.java.opts.taskmanager}: for the TaskManagers only, such as a profiler's. */
    private final List<String> taskManagerOpts;

    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Process> processes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::destroyAll, "flink-cluster-cleanup");
    /** The configuration every process starts from (a JobManager's own ports replace those of the first). */
    private final Map<String, String> config;

    private final ZooKeeperProcess zooKeeper;
    private final List<JobManager> jobManagers = new ArrayList<>();
    private final List<Process> taskManagers = new ArrayList<>();
    private final Map<String, List<String>> memoryParams = new java.util.HashMap<>();

    private final List<String> secrets;

    /**
     * One JobManager: its configuration directory (its own ports), its REST port, and its process with the log file
     * of the current launch.
     */
    private static final class JobManager {
        final Path conf;
        final int restPort;
        Process process;
        Path log;
        int launches;
        /** Killed by the test, as opposed to exited on its own. */
        boolean killed;

        JobManager(Path conf, int restPort) {
            this.conf = conf;
            this.restPort = restPort;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    private FlinkStandaloneCluster(
            Path home,
            Map<String, String> config,
            ZooKeeperProcess zooKeeper,
            int restPort,
            List<String> javaOpts,
            List<String> taskManagerOpts,
            SSLContext restClient,
            List<String> secrets) {
        this.home = home;
        this.config = config;
        this.zooKeeper = zooKeeper;
        this.restPort = restPort;
        this.javaOpts = javaOpts;
        this.taskManagerOpts = taskManagerOpts;
        this.secrets = secrets;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .sslContext(restClient)
                .build();
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * A shaded job jar built by the reactor ({@code ingest}, {@code aggregate}, {@code next}: the upgrade
     * fixture's "next release", or {@code passthrough}: the benchmark's pass-through job), from the system property
     * the failsafe configuration sets.
     */
    public static Path jobJar(String job) {
        Path p = Path.of(System.getProperty("eventpipe." + job + ".jar"));
        assertThat(p)
                .as("the shaded %s job jar (built by its module's package phase)", job)
                .exists();
        return p;
    }

    /** Writes the configuration under {@code home} and starts a JobManager and one TaskManager. */
    public static FlinkStandaloneCluster start(Path home) throws Exception {
        return start(home, Map.of());
    }

    /**
     * As {@link #start(Path)}, with {@code extra} entries added to (or replacing entries of) the cluster's
     * {@code config.yaml}, such as the {@code s3.*} settings of an object store.
     */
    public static FlinkStandaloneCluster start(Path home, Map<String, String> extra) throws Exception {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(Path.of(System.getProperty("eventpipe.standalone.config")))) {
            config = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", config, flat);
        int[] ports = io.eventpipe.testkit.Ports.free(4);
        int restPort = ports[0];
        int promBase = ports[1];
        flat.put("jobmanager.rpc.port", Integer.toString(ports[2]));
        flat.put("rest.port", Integer.toString(restPort));
        flat.put("jobmanager.memory.process.size", "1024m");
        flat.put("taskmanager.memory.process.size", "2048m");
        flat.put("taskmanager.numberOfTaskSlots", "4");
        flat.put(
                "execution.checkpointing.dir",
                home.resolve("checkpoints").toUri().toString());
        flat.put(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        flat.put("metrics.reporter.prom.port", promBase + "-" + (promBase + 9));
        flat.put("io.tmp.dirs", home.resolve("tmp").toString());
        // The TLS settings of deploy/ stay as they are; only the stores and their passwords are made here, as an
        // operator would install them.
        Path tls = Files.createDirectories(home.resolve("tls"));
        String internalPassword = "internal-" + UUID.randomUUID();
        String restPassword = "rest-" + UUID.randomUUID();
        Keytool.selfSigned(tls.resolve("internal.p12"), "flink-internal", "CN=flink-internal", null, internalPassword);
        Keytool.selfSigned(
                tls.resolve("rest.p12"), "flink-rest", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", restPassword);
        Keytool.trustStoreOf(tls.resolve("rest.p12"), "flink-rest", tls.resolve("rest-trust.p12"), restPassword);
        for (String store : List.of("internal", "rest")) {
            String prefix = "security.ssl." + store + ".";
            String password = store.equals("internal") ? internalPassword : restPassword;
            requireSet(flat, prefix + "enabled", "true");
            flat.put(prefix + "keystore", tls.resolve(store + ".p12").toString());
            flat.put(
                    prefix + "truststore",
                    tls.resolve(store.equals("internal") ? "internal.p12" : "rest-trust.p12")
                            .toString());
            flat.put(prefix + "keystore-password", password);
            flat.put(prefix + "key-password", password);
            flat.put(prefix + "truststore-password", password);
        }
        requireSet(flat, "security.ssl.rest.authentication-enabled", "true");
        flat.putAll(extra);
        flat.put(HA_PORT, Integer.toString(ports[3]));
        ZooKeeperProcess zooKeeper = null;
        if ("zookeeper".equalsIgnoreCase(flat.get("high-availability.type"))
                && !extra.containsKey("high-availability.zookeeper.quorum")) {
            // the quorum, as an operator would run it, and the HA storage beside the checkpoints
            zooKeeper = ZooKeeperProcess.start(home.resolve("zookeeper"));
            flat.put("high-availability.zookeeper.quorum", zooKeeper.connectString());
            flat.put("high-availability.storageDir", home.resolve("ha").toUri().toString());
        }
        Files.createDirectories(home.resolve("log"));
        Files.createDirectories(home.resolve("tmp"));
        writeConf(home.resolve("conf"), flat);
        List<String> opts = Arrays.asList(flat.get("env.java.opts.all").trim().split("\\s+"));
        String tmOpts = flat.getOrDefault("env.java.opts.taskmanager", "").trim();
        FlinkStandaloneCluster cluster = new FlinkStandaloneCluster(
                home,
                flat,
                zooKeeper,
                restPort,
                opts,
                tmOpts.isEmpty() ? List.of() : Arrays.asList(tmOpts.split("\\s+")),
                Keytool.sslContext(tls.resolve("rest.p12"), tls.resolve("rest-trust.p12"), restPassword),
                List.of(internalPassword, restPassword));
        try {
            cluster.jobManagers.add(new JobManager(home.resolve("conf"), restPort));
            cluster.launchJobManager(cluster.jobManagers.get(0));
            cluster.startTaskManager();
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static final String HA_PORT = "high-availability.jobmanager.port";

    private static void writeConf(Path conf, Map<String, String> flat) throws IOException {
        Files.createDirectories(conf);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(conf.resolve("config.yaml"), new Yaml(options).dump(flat));
        Files.writeString(
                conf.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                        ""));
    }

    /** The ZooKeeper server of the cluster's high availability; fails when the configuration has none. */
    public ZooKeeperProcess zooKeeper() {
        if (zooKeeper == null) {
            throw new IllegalStateException("the cluster runs without ZooKeeper high availability");
        }
        return zooKeeper;
    }

    private static void requireSet(Map<String, String> config, String key, String value) {
        if (!value.equals(config.get(key))) {
            throw new IllegalStateException("deploy/standalone/config.yaml: expected " + key + ": " + value);
        }
    }

    /** Port of the REST API and web UI (HTTPS with client certificates). */
    public int restPort() {
        return restPort;
    }

    /** The TLS store passwords, which must not show up in logs. */
    public List<String> secrets() {
        return secrets;
    }

    /** Everything the cluster's processes logged so far. */
    public String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(home.resolve("log"))) {
            for (Path f : files.sorted().toList()) {
                sb.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                flatten(prefix + k + ".", (Map<String, Object>) m, out);
            } else {
                out.put(prefix + k, String.valueOf(v));
            }
        });
    }

    private String classpath() {
        return lib.resolve("*").toString();
    }

    /**
     * Runs Flink's BashJavaUtils, as bin/ scripts do, for the JVM flags and dynamic memory settings; once per
     * command, since the configuration does not change (a replacement TaskManager then starts without the extra JVM).
     */
    private List<String> memoryParams(String command) throws Exception {
        List<String> known = memoryParams.get(command);
        if (known == null) {
            known = computeMemoryParams(command);
            memoryParams.put(command, known);
        }
        return known;
    }

    private List<String> computeMemoryParams(String command) throws Exception {
        Process p = new ProcessBuilder(List.of(
                        java(),
                        "-cp",
                        classpath(),
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        command,
                        "--configDir",
                        home.resolve("conf").toString()))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + out);
        }
        List<String> results = out.lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()))
                .toList();
        if (results.size() < 2) {
            throw new IllegalStateException(command + " printed no memory settings:\n" + out);
        }
        List<String> params =
                new ArrayList<>(Arrays.asList(results.get(0).trim().split("\\s+")));
        params.add("\u0000"); // separator: JVM flags before, program arguments after
        params.addAll(Arrays.asList(results.get(1).trim().split("\\s+")));
        return params;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Process launch(String name, String mainClass, String memoryCommand, List<String> programArgs)
            throws Exception {
        List<String> params = memoryParams(memoryCommand);
        int sep = params.indexOf("\u0000");
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(javaOpts);
        if (name.startsWith("taskmanager")) {
            cmd.addAll(taskManagerOpts);
        }
        cmd.addAll(params.subList(0, sep));
        cmd.add("-Dlog.file=" + home.resolve("log/" + name + ".log"));
        cmd.add("-Dlog4j.configurationFile=file:" + home.resolve("conf/log4j.properties"));
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        cmd.addAll(programArgs);
        cmd.addAll(params.subList(sep + 1, params.size()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log/" + name + ".out").toFile());
        pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /**
     * Starts one more JobManager, a standby while another leads, with a configuration directory of its own for its
     * REST and RPC ports, as on a host of its own; waits until its REST API answers (with the leader's answers).
     *
     * @return its index, for {@link #killJobManager(int)} and {@link #restartJobManager(int)}
     */
    public int startJobManager() throws Exception {
        Map<String, String> own = new LinkedHashMap<>(config);
        int[] ports = io.eventpipe.testkit.Ports.free(3);
        int port = ports[0];
        own.put("rest.port", Integer.toString(port));
        own.put("jobmanager.rpc.port", Integer.toString(ports[1]));
        own.put(HA_PORT, Integer.toString(ports[2]));
        Path conf = home.resolve("conf-jobmanager-" + jobManagers.size());
        writeConf(conf, own);
        JobManager jm = new JobManager(conf, port);
        jobManagers.add(jm);
        launchJobManager(jm);
        return jobManagers.size() - 1;
    }

    /** Starts JobManager {@code index} again after {@link #killJobManager(int)}: same configuration and ports. */
    public void restartJobManager(int index) throws Exception {
        JobManager jm = jobManagers.get(index);
        if (jm.alive()) {
            throw new IllegalStateException("JobManager " + index + " is running");
        }
        launchJobManager(jm);
    }

    private void launchJobManager(JobManager jm) throws Exception {
        String name = "jobmanager-" + jobManagers.indexOf(jm) + "." + jm.launches++;
        jm.killed = false;
        jm.log = home.resolve("log/" + name + ".log");
        jm.process = launch(
                name,
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "GET_JM_RESOURCE_PARAMS",
                List.of("--configDir", jm.conf.toString(), "--executionMode", "cluster"));
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (!jm.alive()) {
                        throw new IllegalStateException("JobManager exited; see " + jm.log);
                    }
                    return get(jm.restPort, "/overview").has("taskmanagers");
                });
    }

    /**
     * Restarts in place, as a supervisor would, every JobManager that exited on its own (a JobManager exits on a fatal
     * error, such as losing its HA services); returns their indices.
     */
    public List<Integer> restartExitedJobManagers() throws Exception {
        List<Integer> restarted = new ArrayList<>();
        for (int i = 0; i < jobManagers.size(); i++) {
            JobManager jm = jobManagers.get(i);
            if (!jm.alive() && !jm.killed) {
                launchJobManager(jm);
                restarted.add(i);
            }
        }
        return restarted;
    }

    /** {@code kill -9} of JobManager {@code index} (in start order; 0 is the first). */
    public void killJobManager(int index) throws Exception {
        JobManager jm = jobManagers.get(index);
        jm.killed = true;
        Process p = jm.process;
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * The index of the JobManager that leads now, by its log: a live one whose dispatcher was last granted
     * leadership and not revoked since; -1 while none does.
     */
    public int leadingJobManager() throws IOException {
        for (int i = 0; i < jobManagers.size(); i++) {
            JobManager jm = jobManagers.get(i);
            if (jm.alive() && Files.exists(jm.log)) {
                String log = Files.readString(jm.log, StandardCharsets.ISO_8859_1);
                int granted = log.lastIndexOf(GRANTED);
                if (granted >= 0 && granted > log.lastIndexOf(REVOKED)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Waits until one live JobManager leads and returns its index. */
    public int awaitLeader() {
        return await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(this::leadingJobManager, i -> i >= 0);
    }

    /** Starts one more TaskManager process and waits until the JobManager has registered it. */
    public void startTaskManager() throws Exception {
        java.util.Set<String> before = taskManagerIds();
        Process tm = launch(
                "taskmanager-" + taskManagers.size(),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "GET_TM_RESOURCE_PARAMS",
                List.of("--configDir", home.resolve("conf").toString()));
        taskManagers.add(tm);
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> !before.containsAll(taskManagerIds()));
    }

    /** The TaskManager processes that are alive, in start order. */
    public List<ProcessHandle> taskManagerProcesses() {
        return taskManagers.stream()
                .filter(Process::isAlive)
                .map(Process::toHandle)
                .toList();
    }

    /** Ids of the TaskManagers the JobManager has registered (a killed one stays until its heartbeat times out). */
    public java.util.Set<String> taskManagerIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        try {
            get("/taskmanagers")
                    .path("taskmanagers")
                    .forEach(t -> ids.add(t.path("id").asText()));
        } catch (Exception e) {
            // not up yet
        }
        return ids;
    }

    /** The TaskManager with the most slots in use (an index for {@link #killTaskManager(int)}). */
    public int busiestTaskManager() throws Exception {
        Map<String, Integer> used = new java.util.HashMap<>();
        get("/taskmanagers")
                .path("taskmanagers")
                .forEach(t -> used.put(
                        t.path("id").asText(),
                        t.path("slotsNumber").asInt() - t.path("freeSlots").asInt()));
        int busiest = -1;
        int most = -1;
        for (int i = 0; i < taskManagers.size(); i++) {
            if (!taskManagers.get(i).isAlive()) {
                continue;
            }
            int n = used.getOrDefault(taskManagerId(i), 0);
            if (n > most) {
                most = n;
                busiest = i;
            }
        }
        return busiest;
    }

    /** {@code kill -9} of TaskManager {@code index} (in start order). */
    public void killTaskManager(int index) throws Exception {
        Process tm = taskManagers.get(index);
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
    }

    /** {@code kill -9} of the newest TaskManager. */
    public void killTaskManager() throws Exception {
        Process tm = taskManagers.get(taskManagers.size() - 1);
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * GET of a REST path from the first live JobManager that answers (any JobManager serves the leader's answers;
     * one that does not know the leader yet answers 503, and the next is asked); fails on an answer other than 200.
     */
    public JsonNode get(String path) throws Exception {
        Exception last = null;
        for (JobManager jm : jobManagers) {
            if (!jm.alive()) {
                continue;
            }
            try {
                return get(jm.restPort, path);
            } catch (IOException | LeaderUnknown e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("no JobManager is running");
    }

    /** A JobManager's REST API answered 503: it does not know the leader (an election is going on). */
    private static final class LeaderUnknown extends IllegalStateException {
        LeaderUnknown(String message) {
            super(message);
        }
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 503) {
            throw new LeaderUnknown("GET " + path + " on port " + port + ": 503 " + r.body());
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return json.readTree(r.body());
    }

    /** Runs the Flink CLI ({@code flink <args>}) and returns what it printed; fails on a non-zero exit. */
    public String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-cp", classpath(), "org.apache.flink.client.cli.CliFrontend"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FLINK_CONF_DIR", home.resolve("conf").toString());
        pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("flink " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    /** {@code flink run -d jar args...}; returns the job id. */
    public String submit(Path jar, String... jobArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", jar.toString()));
        args.addAll(List.of(jobArgs));
        String out = cli(args.toArray(String[]::new));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no job id in:\n" + out);
        }
        return m.group(1);
    }

    public String jobState(String jobId) throws Exception {
        return get("/jobs/" + jobId).path("state").asText();
    }

    public long completedCheckpoints(String jobId) throws Exception {
        return get("/jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /** Waits until the job is RUNNING with all its tasks running. */
    public void awaitRunning(String jobId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> allTasksRunning(jobId));
    }

    /** Whether the job is RUNNING with every task running. */
    public boolean allTasksRunning(String jobId) throws Exception {
        JsonNode job = get("/jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!v.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    /**
     * When the last of the job's tasks switched to RUNNING, in epoch milliseconds of the JobManager's clock (the
     * tasks' current attempts), or 0 while any has not.
     */
    public long lastTaskRunningAt(String jobId) throws Exception {
        long last = 0;
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode t : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasktimes")
                    .path("subtasks")) {
                long running = t.path("timestamps").path("RUNNING").asLong(0);
                if (running == 0) {
                    return 0;
                }
                last = Math.max(last, running);
            }
        }
        return last;
    }

    /** The resource id of TaskManager {@code index} (in start order), from its log. */
    public String taskManagerId(int index) throws IOException {
        Matcher m = RESOURCE_ID.matcher(Files.readString(home.resolve("log/taskmanager-" + index + ".log")));
        if (!m.find()) {
            throw new IllegalStateException("TaskManager " + index + " has not logged its resource id");
        }
        return m.group(1);
    }

    /** Waits for {@code more} checkpoints of the job to complete from now on. */
    public void awaitCheckpoints(String jobId, int more) throws Exception {
        long target = completedCheckpoints(jobId) + more;
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> completedCheckpoints(jobId) >= target);
    }

    public Path home() {
        return home;
    }

    /** A {@code flink} command for this cluster, as a distribution's bin/flink would be, for scripts. */
    public Path flinkCommand() throws IOException {
        Path bin = home.resolve("bin/flink");
        if (!Files.exists(bin)) {
            Files.createDirectories(bin.getParent());
            Files.writeString(
                    bin,
                    "#!/usr/bin/env bash\nexport FLINK_CONF_DIR='" + home.resolve("conf") + "'\n"
                            + "export FLINK_PLUGINS_DIR='" + plugins + "'\n"
                            + "exec '" + java() + "' " + String.join(" ", javaOpts) + " -cp '" + classpath() + "' "
                            + "org.apache.flink.client.cli.CliFrontend \"$@\"\n");
            bin.toFile().setExecutable(true);
        }
        return bin;
    }

    /** Copies the processes' logs to target/flink-logs, which outlives the temporary cluster directory. */
    private void keepLogs() {
        Path target = Path.of("target", "flink-logs", Long.toString(System.currentTimeMillis()));
        try (var files = Files.list(home.resolve("log"))) {
            Files.createDirectories(target);
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            // logs are a convenience; the test result stands without them
        }
    }

    private void destroyAll() {
        List<Process> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        for (Process p : reversed) {
            p.destroyForcibly();
        }
        for (Process p : reversed) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (zooKeeper != null) {
            try {
                zooKeeper.close();
            } catch (Exception e) {
                // shutting down: nothing more to do for a server that would not stop
            }
        }
    }

    @Override
    public void close() {
        destroyAll();
        keepLogs();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // shutting down
        }
    }
}
