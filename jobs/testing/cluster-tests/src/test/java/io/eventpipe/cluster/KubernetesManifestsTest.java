package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.common.config.Settings;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.testkit.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * No Kubernetes cluster runs here, so the operator manifests are checked for what a deployment needs: savepoint
 * upgrades, durable checkpoint and savepoint storage, Kubernetes high availability with its storage beside the
 * checkpoints and a service account whose role grants what HA needs, the job jar and the S3 plugin the Dockerfile
 * puts in the image, the job config from a ConfigMap that the job accepts, and every secret it refers to supplied
 * from a Kubernetes Secret.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Repo.path("deploy/kubernetes");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern DIR_REF = Pattern.compile("\\$\\{dir:([^:}]+):[^}]+}");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
            assertThat(cur).as("field %s", String.join(".", path)).isNotNull();
        }
        return (Map<String, Object>) cur;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String key) {
        assertThat(m.get(key)).as(key).isInstanceOf(List.class);
        return (List<Object>) m.get(key);
    }

    private static List<Map<String, Object>> docs(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every YAML document of {@code yaml}, each of which must be a mapping. */
    private static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            docs.add(map(d));
        }
        return docs;
    }

    /** Mount paths of the container's volumes that come from Secrets. */
    private static Set<String> secretMounts(Map<String, Object> spec, Map<String, Object> container) {
        Set<String> secretVolumes = new HashSet<>();
        for (Object v : list(map(spec, "podTemplate", "spec"), "volumes")) {
            if (map(v).get("secret") != null) {
                secretVolumes.add((String) map(v).get("name"));
            }
        }
        Set<String> paths = new HashSet<>();
        for (Object m : list(container, "volumeMounts")) {
            if (secretVolumes.contains((String) map(m).get("name"))) {
                paths.add((String) map(m).get("mountPath"));
            }
        }
        return paths;
    }

    /**
     * The network policy admits the metrics port only from Prometheus and the REST port only from the operator;
     * every rule names who it admits.
     */
    @Test
    @SuppressWarnings("unchecked")
    void networkPolicyKeepsMetricsToTheScraper() {
        Map<String, Object> policy = docs(DIR.resolve("network-policy.yaml")).get(0);
        assertThat(policy.get("kind")).isEqualTo("NetworkPolicy");
        Map<String, Object> spec = map(policy, "spec");
        assertThat(list(spec, "policyTypes")).contains("Ingress");
        Map<Integer, List<Object>> fromByPort = new java.util.HashMap<>();
        for (Object rule : list(spec, "ingress")) {
            List<Object> from = list(map(rule), "from");
            assertThat(from).isNotEmpty();
            for (Object peer : from) {
                assertThat(map(peer)).as("a peer selects someone").isNotEmpty();
            }
            Object ports = map(rule).get("ports");
            if (ports != null) {
                for (Object port : (List<Object>) ports) {
                    fromByPort.put((Integer) map(port).get("port"), from);
                }
            }
        }
        assertThat(fromByPort).containsKeys(9249, 8081);
        assertThat(fromByPort.get(9249).toString()).contains("prometheus");
    }

    @Test
    void flinkDeploymentsCarryWhatAnUpgradeableJobNeeds() throws Exception {
        String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
        // s3:// paths need Flink's S3 file system in plugins/, and the lake's FileSink the Hadoop one (S3LakeIT runs
        // it): flink-s3-fs-presto has no recoverable writer
        assertThat(dockerfile)
                .contains("cp /opt/flink/opt/flink-s3-fs-hadoop-")
                .contains("/opt/flink/plugins/s3-fs-hadoop/")
                .doesNotContain("opt/flink-s3-fs-presto");
        List<Path> manifests = manifests();
        assertThat(manifests).hasSize(2);
        for (Path file : manifests) {
            List<Map<String, Object>> docs = docs(file);
            Map<String, Object> deployment = deployment(docs);
            Map<String, Object> configMap = docs.stream()
                    .filter(d -> "ConfigMap".equals(d.get("kind")))
                    .findFirst()
                    .orElseThrow();
            assertThat(deployment.get("apiVersion")).isEqualTo("flink.apache.org/v1beta1");

            Map<String, Object> spec = map(deployment, "spec");
            Map<String, Object> job = map(spec, "job");
            assertThat(job.get("upgradeMode")).as(file + ": upgradeMode").isEqualTo("savepoint");
            String jar = (String) job.get("jarURI");
            assertThat(jar).startsWith("local:///opt/flink/usrlib/");
            assertThat(dockerfile).contains(jar.substring("local://".length()));

            Map<String, Object> flinkConf = map(spec, "flinkConfiguration");
            assertThat((String) flinkConf.get("execution.checkpointing.dir")).startsWith("s3://");
            assertThat((String) flinkConf.get("execution.checkpointing.savepoint-dir"))
                    .startsWith("s3://");
            assertThat(flinkConf.get("state.backend.type")).isEqualTo("rocksdb");

            // the config file: a ConfigMap key, mounted where the job's --config points
            List<Object> args = list(job, "args");
            assertThat(args.get(0)).isEqualTo("--config");
            Path configPath = Path.of((String) args.get(1));
            Map<String, Object> container =
                    map(list(map(spec, "podTemplate", "spec"), "containers").get(0));
            Map<String, Object> mount = map(list(container, "volumeMounts").get(0));
            assertThat(configPath.getParent().toString()).isEqualTo(mount.get("mountPath"));
            Map<String, Object> volume =
                    map(list(map(spec, "podTemplate", "spec"), "volumes").get(0));
            assertThat(map(volume, "configMap").get("name"))
                    .isEqualTo(map(configMap, "metadata").get("name"));
            String jobConfig =
                    (String) map(configMap, "data").get(configPath.getFileName().toString());
            assertThat(jobConfig)
                    .as("ConfigMap key %s", configPath.getFileName())
                    .isNotNull();

            // every ${VAR} of the job config comes from a Secret, every ${dir:PATH:key} (Kafka's
            // DirectoryConfigProvider) from a mounted Secret, and nothing else holds a credential
            Set<String> fromSecrets = new HashSet<>();
            for (Object e : container.get("env") == null ? List.of() : list(container, "env")) {
                Map<String, Object> env = map(e);
                map(env, "valueFrom", "secretKeyRef");
                fromSecrets.add((String) env.get("name"));
            }
            Matcher refs = ENV_REF.matcher(jobConfig);
            Set<String> referenced = new HashSet<>();
            while (refs.find()) {
                referenced.add(refs.group(1));
            }
            assertThat(fromSecrets).as(file + ": env from Secrets").containsAll(referenced);
            Set<String> secretMounts = secretMounts(spec, container);
            Matcher dirRefs = DIR_REF.matcher(jobConfig);
            Set<String> referencedDirs = new HashSet<>();
            while (dirRefs.find()) {
                referencedDirs.add(dirRefs.group(1));
            }
            assertThat(secretMounts).as(file + ": Secret volumes").containsAll(referencedDirs);
            assertThat(referenced.size() + referencedDirs.size())
                    .as(file + ": secrets referenced")
                    .isPositive();

            // TLS inside the cluster and on REST: stores from a mounted Secret, passwords in flinkConfiguration as
            // placeholders that deploy/kubernetes/render fills from a Secret (never a literal password here)
            for (String scope : List.of("internal", "rest")) {
                String prefix = "security.ssl." + scope + ".";
                assertThat(flinkConf.get(prefix + "enabled"))
                        .as(file + ": " + prefix + "enabled")
                        .isEqualTo("true");
                for (String store : List.of("keystore", "truststore")) {
                    Path path = Path.of((String) flinkConf.get(prefix + store));
                    assertThat(secretMounts)
                            .as(file + ": " + prefix + store)
                            .contains(path.getParent().toString());
                }
                String placeholder = "${EVENTPIPE_TLS_" + scope.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD}";
                for (String password : List.of("keystore-password", "key-password", "truststore-password")) {
                    assertThat(flinkConf.get(prefix + password))
                            .as(file + ": " + prefix + password)
                            .isEqualTo(placeholder);
                }
            }
            assertThat(flinkConf).allSatisfy((key, value) -> {
                if (key.contains("password") || key.contains("secret")) {
                    assertThat((String) value).as(file + ": " + key).matches("\\$\\{EVENTPIPE_TLS_[A-Z]+_PASSWORD}");
                }
            });

            // and the job accepts the config
            Path tmp = Files.createTempFile("job", ".yaml");
            Files.writeString(tmp, jobConfig);
            Settings settings = Settings.load(tmp, List.of(), name -> "value-of-" + name);
            if (jar.contains("ingest")) {
                assertThat(IngestConfig.from(settings).lakePath()).startsWith("s3://");
            } else {
                assertThat(AggregateConfig.from(settings).postgres().password())
                        .isEqualTo("value-of-EVENTPIPE_DB_PASSWORD");
            }
            Files.delete(tmp);
        }
    }

    // ---- high availability: the HA settings and the service account's role ----

    /** The verbs Kubernetes HA needs on ConfigMaps: leader election, the job graph and checkpoint pointers. */
    private static final List<String> HA_CONFIGMAP_VERBS =
            List.of("get", "list", "watch", "create", "update", "patch", "delete");

    /**
     * What would make a JobManager pod's loss lose the job, or keep the HA services from starting: each problem names
     * the field or key. Empty for a deployment with Kubernetes HA, its storage beside the checkpoints, and a service
     * account whose role grants what HA and the TaskManager pods need.
     */
    private static List<String> haProblems(Map<String, Object> deployment, List<Map<String, Object>> rbac) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> spec = map(deployment, "spec");
        Map<String, Object> conf = map(spec, "flinkConfiguration");
        if (!"kubernetes".equals(conf.get("high-availability.type"))) {
            problems.add("high-availability.type is " + conf.get("high-availability.type") + ", not kubernetes");
        }
        Object storage = conf.get("high-availability.storageDir");
        java.net.URI checkpoints = java.net.URI.create((String) conf.get("execution.checkpointing.dir"));
        if (!(storage instanceof String dir)) {
            problems.add("high-availability.storageDir is not set");
        } else {
            java.net.URI uri = java.net.URI.create(dir);
            if (!checkpoints.getScheme().equals(uri.getScheme())
                    || !java.util.Objects.equals(checkpoints.getAuthority(), uri.getAuthority())) {
                problems.add("high-availability.storageDir " + dir + " is not on the checkpoints' object store "
                        + checkpoints.getScheme() + "://" + checkpoints.getAuthority());
            }
        }
        String account = (String) spec.get("serviceAccount");
        if (rbac.stream()
                .noneMatch(d -> "ServiceAccount".equals(d.get("kind"))
                        && java.util.Objects.equals(map(d, "metadata").get("name"), account))) {
            problems.add("serviceAccount " + account + " is not defined in rbac.yaml");
        }
        List<String> roles = new ArrayList<>();
        for (Map<String, Object> d : rbac) {
            if ("RoleBinding".equals(d.get("kind"))
                    && list(d, "subjects").stream()
                            .anyMatch(s -> "ServiceAccount".equals(map(s).get("kind"))
                                    && account.equals(map(s).get("name")))) {
                roles.add((String) map(d, "roleRef").get("name"));
            }
        }
        if (roles.isEmpty()) {
            problems.add("no RoleBinding in rbac.yaml binds serviceAccount " + account);
        }
        Map<String, Set<String>> verbs = new java.util.HashMap<>();
        for (Map<String, Object> d : rbac) {
            if ("Role".equals(d.get("kind"))
                    && roles.contains((String) map(d, "metadata").get("name"))) {
                for (Object rule : list(d, "rules")) {
                    for (Object resource : list(map(rule), "resources")) {
                        verbs.computeIfAbsent((String) resource, r -> new HashSet<>())
                                .addAll(list(map(rule), "verbs").stream()
                                        .map(String::valueOf)
                                        .toList());
                    }
                }
            }
        }
        List<String> missing = HA_CONFIGMAP_VERBS.stream()
                .filter(v -> !verbs.getOrDefault("configmaps", Set.of()).contains(v))
                .toList();
        if (!missing.isEmpty()) {
            problems.add("the role of " + account + " lacks " + missing + " on configmaps");
        }
        if (!verbs.getOrDefault("pods", Set.of()).containsAll(List.of("create", "delete", "watch"))) {
            problems.add("the role of " + account + " cannot create, watch and delete pods (the TaskManagers)");
        }
        return problems;
    }

    @Test
    void flinkDeploymentsRunWithKubernetesHighAvailabilityAndTheRoleItNeeds() throws Exception {
        List<Map<String, Object>> rbac = docs(DIR.resolve("rbac.yaml"));
        Set<Object> storageDirs = new HashSet<>();
        for (Path file : manifests()) {
            Map<String, Object> deployment = deployment(docs(file));
            assertThat(haProblems(deployment, rbac)).as(file.toString()).isEmpty();
            storageDirs.add(map(deployment, "spec", "flinkConfiguration").get("high-availability.storageDir"));
        }
        assertThat(storageDirs).as("each job its own HA storage").hasSize(2);
    }

    /** The check above fails, naming what is wrong, for each way to lose a job with its JobManager. */
    @Test
    @SuppressWarnings("unchecked")
    void theHighAvailabilityCheckNamesWhatWouldLoseTheJob() throws Exception {
        String ingest = Files.readString(DIR.resolve("ingest.yaml"));
        String rbacFile = Files.readString(DIR.resolve("rbac.yaml"));
        Map<String, java.util.function.BiConsumer<Map<String, Object>, List<Map<String, Object>>>> mutations =
                new java.util.LinkedHashMap<>();
        mutations.put(
                "high-availability.type is null",
                (d, r) -> map(d, "spec", "flinkConfiguration").remove("high-availability.type"));
        mutations.put(
                "high-availability.type is zookeeper",
                (d, r) -> map(d, "spec", "flinkConfiguration").put("high-availability.type", "zookeeper"));
        mutations.put(
                "high-availability.storageDir is not set",
                (d, r) -> map(d, "spec", "flinkConfiguration").remove("high-availability.storageDir"));
        mutations.put(
                "not on the checkpoints' object store",
                (d, r) -> map(d, "spec", "flinkConfiguration").put("high-availability.storageDir", "file:///tmp/ha"));
        mutations.put(
                "serviceAccount default is not defined",
                (d, r) -> map(d, "spec").put("serviceAccount", "default"));
        mutations.put("no RoleBinding", (d, r) -> r.removeIf(x -> "RoleBinding".equals(x.get("kind"))));
        mutations.put(
                "lacks [update, patch] on configmaps",
                (d, r) -> r.stream()
                        .filter(x -> "Role".equals(x.get("kind")))
                        .forEach(role -> list(role, "rules").forEach(rule -> {
                            if (list(map(rule), "resources").contains("configmaps")) {
                                map(rule)
                                        .put(
                                                "verbs",
                                                new ArrayList<>(List.of("get", "list", "watch", "create", "delete")));
                            }
                        })));
        mutations.put(
                "cannot create, watch and delete pods",
                (d, r) -> r.stream()
                        .filter(x -> "Role".equals(x.get("kind")))
                        .forEach(role -> list(role, "rules")
                                .removeIf(rule -> list(map(rule), "resources").contains("pods"))));
        for (var m : mutations.entrySet()) {
            Map<String, Object> d = deployment(parse(ingest));
            List<Map<String, Object>> rbac = parse(rbacFile);
            m.getValue().accept(d, rbac);
            assertThat(haProblems(d, rbac)).as(m.getKey()).anyMatch(p -> p.contains(m.getKey()));
        }
    }

    // ---- the operator's schema, and rendering the manifests as the runbook applies them ----

    private static final Path SCHEMA = DIR.resolve("schema/flinkdeployment.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Rendered(int code, String out, String err) {}

    /** Runs deploy/kubernetes/render as the runbook does, with the given environment and PATH in front. */
    private static Rendered render(Map<String, String> env, Path pathFirst, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", DIR.resolve("render").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("EVENTPIPE_TLS_INTERNAL_PASSWORD");
        pb.environment().remove("EVENTPIPE_TLS_REST_PASSWORD");
        pb.environment().putAll(env);
        if (pathFirst != null) {
            pb.environment().put("PATH", pathFirst + java.io.File.pathSeparator + System.getenv("PATH"));
        }
        Process p = pb.start();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Rendered(p.exitValue(), out, new String(err.get(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<Path> manifests() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(f -> docs(f).stream().anyMatch(d -> "FlinkDeployment".equals(d.get("kind"))))
                    .sorted()
                    .toList();
        }
    }

    private static Map<String, Object> deployment(List<Map<String, Object>> docs) {
        return docs.stream()
                .filter(d -> "FlinkDeployment".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
    }

    private static final Map<String, String> PASSWORDS = Map.of(
            "EVENTPIPE_TLS_INTERNAL_PASSWORD", "in'ter&nal\\\"$x # y: z",
            "EVENTPIPE_TLS_REST_PASSWORD", "r&e${st}'");

    /**
     * The render step fills exactly the six TLS password keys, whatever characters the passwords hold, leaves every
     * other placeholder (the job configs' own ${...}) as it is, and prints no password on its error stream.
     */
    @Test
    void renderFillsTheTlsPasswordsAndNothingElse() throws Exception {
        for (Path file : manifests()) {
            Rendered r = render(PASSWORDS, null, file.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).doesNotContain("${EVENTPIPE_TLS_");
            List<Map<String, Object>> rendered = parse(r.out());
            List<Map<String, Object>> original = docs(file);
            assertThat(rendered).hasSameSizeAs(original);
            Map<String, Object> conf = map(deployment(rendered), "spec", "flinkConfiguration");
            for (String scope : List.of("internal", "rest")) {
                String password =
                        PASSWORDS.get("EVENTPIPE_TLS_" + scope.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD");
                for (String key : List.of("keystore-password", "key-password", "truststore-password")) {
                    assertThat(conf.get("security.ssl." + scope + "." + key)).isEqualTo(password);
                }
            }
            // apart from the six passwords, every document is what the file holds
            Map<String, Object> expectedConf =
                    new java.util.LinkedHashMap<>(map(deployment(original), "spec", "flinkConfiguration"));
            conf.forEach((k, v) -> {
                if (k.endsWith("password")) {
                    expectedConf.put(k, v);
                }
            });
            assertThat(conf).isEqualTo(expectedConf);
            for (int i = 0; i < original.size(); i++) {
                if (!"FlinkDeployment".equals(original.get(i).get("kind"))) {
                    assertThat(rendered.get(i)).isEqualTo(original.get(i));
                }
            }
        }
    }

    /**
     * Without the variables, render reads the passwords from the Secret with kubectl (here a stand-in that answers
     * like kubectl for exactly that Secret), and fails, printing nothing on standard output, when it cannot.
     */
    @Test
    void renderReadsThePasswordsFromTheSecret(@org.junit.jupiter.api.io.TempDir Path bin) throws Exception {
        String b64 = java.util.Base64.getEncoder()
                .encodeToString("from'secret&".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Path kubectl = bin.resolve("kubectl");
        Files.writeString(
                kubectl,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "[ \"$*\" = \"get secret -n prod eventpipe-flink-tls -o jsonpath={.data.internal-password}\" ] && "
                                + "{ printf '%s' '" + b64 + "'; exit 0; }",
                        "[ \"$*\" = \"get secret -n prod eventpipe-flink-tls -o jsonpath={.data.rest-password}\" ] && "
                                + "{ printf '%s' '" + b64 + "'; exit 0; }",
                        "echo 'Error from server (NotFound): secrets not found' >&2; exit 1",
                        ""));
        assertThat(kubectl.toFile().setExecutable(true)).isTrue();
        Path ingest = DIR.resolve("ingest.yaml");

        Rendered ok = render(Map.of(), bin, "-n", "prod", ingest.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        Map<String, Object> conf = map(deployment(parse(ok.out())), "spec", "flinkConfiguration");
        assertThat(conf.get("security.ssl.rest.truststore-password")).isEqualTo("from'secret&");
        assertThat(conf.get("security.ssl.internal.key-password")).isEqualTo("from'secret&");

        Rendered missing = render(Map.of(), bin, "-n", "staging", ingest.toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).contains("key 'internal-password' of the Secret 'eventpipe-flink-tls'");
    }

    /** Every FlinkDeployment, rendered as it is applied, is valid against the operator 1.13.0 schema. */
    @Test
    void flinkDeploymentsMatchTheOperatorSchema() throws Exception {
        JsonSchema schema = operatorSchema();
        assertThat(manifests()).hasSize(2);
        for (Path file : manifests()) {
            JsonNode deployment = JSON.valueToTree(
                    deployment(parse(render(PASSWORDS, null, file.toString()).out())));
            assertThat(schema.validate(deployment)).as(file.toString()).isEmpty();
            // for Flink 2.x the operator refuses keys of which one is a prefix of another (a key and key.x)
            List<String> keys = new ArrayList<>();
            deployment.path("spec").path("flinkConfiguration").fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                assertThat(keys).as(file + ": keys under " + key).noneMatch(k -> k.startsWith(key + "."));
            }
        }
    }

    private static JsonSchema operatorSchema() throws Exception {
        JsonNode node = JSON.readTree(SCHEMA.toFile());
        assertThat(node.path("$comment").asText()).contains("flink-kubernetes-operator release-1.13.0");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(node);
    }

    /**
     * What the API server would drop without a word (an unknown or misspelled field: the CRD prunes them) or refuse,
     * and what the operator would refuse, fails against the schema with a message that names the field.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSchemaRejectsWhatTheOperatorWouldNotTake() throws Exception {
        JsonSchema schema = operatorSchema();
        String rendered =
                render(PASSWORDS, null, DIR.resolve("ingest.yaml").toString()).out();
        // each mutation is named by what the error message must name
        Map<String, java.util.function.Consumer<Map<String, Object>>> mutations = new java.util.LinkedHashMap<>();
        mutations.put("upgadeMode", d -> map(d, "spec", "job").put("upgadeMode", "savepoint"));
        mutations.put("restartNonce", d -> map(d, "spec", "job").put("restartNonce", 1));
        mutations.put("flinkVersion", d -> map(d, "spec").put("flinkVersion", "v2_3"));
        mutations.put("upgradeMode", d -> map(d, "spec", "job").put("upgradeMode", "last_state"));
        mutations.put("parallelism", d -> map(d, "spec", "job").put("parallelism", "2"));
        mutations.put("jarURI", d -> map(d, "spec", "job").remove("jarURI"));
        mutations.put("memory", d -> map(d, "spec", "taskManager", "resource").put("memory", 2048));
        mutations.put(
                "flinkConfiguration", d -> map(d, "spec", "flinkConfiguration").put("heartbeat.timeout", 3000));
        mutations.put("serviceAccount", d -> map(d, "spec").put("serviceAccount", List.of("eventpipe-flink")));
        mutations.put(
                "mountPth",
                d -> ((Map<String, Object>) ((List<Object>)
                                        map(list(map(d, "spec", "podTemplate", "spec"), "containers")
                                                        .get(0))
                                                .get("volumeMounts"))
                                .get(0))
                        .put("mountPth", "/x"));
        mutations.put("serviceAcount", d -> map(d, "spec").put("serviceAcount", "flink"));
        for (var m : mutations.entrySet()) {
            Map<String, Object> d = deployment(parse(rendered));
            m.getValue().accept(d);
            var errors = schema.validate(JSON.valueToTree(d));
            assertThat(errors).as(m.getKey()).isNotEmpty();
            assertThat(errors.toString()).as(m.getKey()).contains(m.getKey());
        }
        // the operator's way to restart a job without other changes is valid
        Map<String, Object> restart = deployment(parse(rendered));
        map(restart, "spec").put("restartNonce", 2);
        assertThat(schema.validate(JSON.valueToTree(restart))).isEmpty();
    }

    /** The docs name only FlinkDeployment fields that the operator's schema knows (spec.restartNonce, ...). */
    @Test
    void docsNameOnlyFieldsTheOperatorKnows() throws Exception {
        JsonNode schema = JSON.readTree(SCHEMA.toFile());
        Pattern field = Pattern.compile("`(spec(?:\\.[A-Za-z]+)+)`");
        List<Path> docs = new ArrayList<>(List.of(Repo.path("README.md")));
        try (Stream<Path> files = Files.list(Repo.path("docs"))) {
            docs.addAll(files.filter(f -> f.toString().endsWith(".md")).toList());
        }
        int checked = 0;
        for (Path doc : docs) {
            Matcher m = field.matcher(Files.readString(doc));
            while (m.find()) {
                JsonNode node = schema;
                for (String part : m.group(1).split("\\.")) {
                    node = node.path("properties").path(part);
                }
                assertThat(node.isMissingNode())
                        .as("%s: `%s`", doc.getFileName(), m.group(1))
                        .isFalse();
                checked++;
            }
        }
        assertThat(checked).as("spec fields named in the docs").isPositive();
    }

    /** The operator's Helm values make its REST client trust the clusters' certificate (docs/security.md). */
    @Test
    void operatorValuesGiveTheRestClientTheTrustStore() throws Exception {
        Map<String, Object> values = docs(DIR.resolve("operator-values.yaml")).get(0);
        Map<String, Object> tls = map(values, "tls");
        assertThat(tls.get("create")).isEqualTo(true);
        String secret = (String) tls.get("secretName");
        assertThat(map(tls, "secretKeyRef").get("name")).isEqualTo(secret);
        assertThat(Files.readString(Repo.path("docs/security.md")))
                .contains(secret)
                .contains("operator-values.yaml");
    }
}
