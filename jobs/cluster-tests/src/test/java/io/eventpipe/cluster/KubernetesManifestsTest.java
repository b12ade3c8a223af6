package io.eventpipe.cluster;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.common.config.Settings;
import io.eventpipe.ingest.IngestConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Kubernetes cluster runs here, so the operator manifests are checked for what a deployment needs: savepoint
 * upgrades, durable checkpoint and savepoint storage, the job jar and the S3 plugin the Dockerfile puts in the image,
 * the job config from a ConfigMap that the job accepts, and every secret it refers to supplied from a Kubernetes
 * Secret.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("../../deploy/kubernetes");
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
        List<Map<String, Object>> docs = new ArrayList<>();
        try {
            for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
                docs.add(map(d));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        assertThat(dockerfile).contains("cp /opt/flink/opt/flink-s3-fs-hadoop-")
                .contains("/opt/flink/plugins/s3-fs-hadoop/").doesNotContain("opt/flink-s3-fs-presto");
        List<Path> manifests;
        try (Stream<Path> files = Files.list(DIR)) {
            manifests = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        manifests = manifests.stream().filter(f -> docs(f).stream()
                .anyMatch(d -> "FlinkDeployment".equals(d.get("kind")))).toList();
        assertThat(manifests).hasSize(2);
        for (Path file : manifests) {
            List<Map<String, Object>> docs = docs(file);
            Map<String, Object> deployment = docs.stream().filter(d -> "FlinkDeployment".equals(d.get("kind")))
                    .findFirst().orElseThrow();
            Map<String, Object> configMap = docs.stream().filter(d -> "ConfigMap".equals(d.get("kind")))
                    .findFirst().orElseThrow();
            assertThat(deployment.get("apiVersion")).isEqualTo("flink.apache.org/v1beta1");

            Map<String, Object> spec = map(deployment, "spec");
            Map<String, Object> job = map(spec, "job");
            assertThat(job.get("upgradeMode")).as(file + ": upgradeMode").isEqualTo("savepoint");
            String jar = (String) job.get("jarURI");
            assertThat(jar).startsWith("local:///opt/flink/usrlib/");
            assertThat(dockerfile).contains(jar.substring("local://".length()));

            Map<String, Object> flinkConf = map(spec, "flinkConfiguration");
            assertThat((String) flinkConf.get("execution.checkpointing.dir")).startsWith("s3://");
            assertThat((String) flinkConf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
            assertThat(flinkConf.get("state.backend.type")).isEqualTo("rocksdb");

            // the config file: a ConfigMap key, mounted where the job's --config points
            List<Object> args = list(job, "args");
            assertThat(args.get(0)).isEqualTo("--config");
            Path configPath = Path.of((String) args.get(1));
            Map<String, Object> container = map(list(map(spec, "podTemplate", "spec"), "containers").get(0));
            Map<String, Object> mount = map(list(container, "volumeMounts").get(0));
            assertThat(configPath.getParent().toString()).isEqualTo(mount.get("mountPath"));
            Map<String, Object> volume = map(list(map(spec, "podTemplate", "spec"), "volumes").get(0));
            assertThat(map(volume, "configMap").get("name")).isEqualTo(map(configMap, "metadata").get("name"));
            String jobConfig = (String) map(configMap, "data").get(configPath.getFileName().toString());
            assertThat(jobConfig).as("ConfigMap key %s", configPath.getFileName()).isNotNull();

            // every ${VAR} of the job config comes from a Secret, every ${dir:PATH:key} (Kafka's
            // DirectoryConfigProvider) from a mounted Secret, and nothing else holds a credential
            Set<String> fromSecrets = new HashSet<>();
            for (Object e : list(container, "env")) {
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
            assertThat(referenced.size() + referencedDirs.size()).as(file + ": secrets referenced").isPositive();

            // TLS inside the cluster and on REST, stores from a mounted Secret, passwords from a Secret
            for (String scope : List.of("internal", "rest")) {
                String prefix = "security.ssl." + scope + ".";
                assertThat(flinkConf.get(prefix + "enabled")).as(file + ": " + prefix + "enabled").isEqualTo("true");
                for (String store : List.of("keystore", "truststore")) {
                    Path path = Path.of((String) flinkConf.get(prefix + store));
                    assertThat(secretMounts).as(file + ": " + prefix + store).contains(path.getParent().toString());
                }
                assertThat(flinkConf.keySet()).noneMatch(k -> k.contains("password"));
            }
            assertThat(fromSecrets).as(file + ": TLS passwords").contains("FLINK_PROPERTIES");

            // and the job accepts the config
            Path tmp = Files.createTempFile("job", ".yaml");
            Files.writeString(tmp, jobConfig);
            Settings settings = Settings.load(tmp, List.of(), name -> "value-of-" + name);
            if (jar.contains("ingest")) {
                assertThat(IngestConfig.from(settings).lakePath()).startsWith("s3://");
            } else {
                assertThat(AggregateConfig.from(settings).postgres().password()).isEqualTo(
                        "value-of-EVENTPIPE_DB_PASSWORD");
            }
            Files.delete(tmp);
        }
    }
}
