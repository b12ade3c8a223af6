package io.eventpipe.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real single-node KRaft Kafka broker in its own JVM, secured the way production clusters are: a SASL_SSL listener
 * (SCRAM-SHA-512 and PLAIN), an SSL listener that requires client certificates (mTLS), a PLAINTEXT controller listener
 * on loopback, and the {@code StandardAuthorizer} with no access unless an ACL grants it. Kafka's in-JVM test kit
 * cannot do TLS, hence the separate process.
 *
 * <p>Certificates (a test CA, the broker's and one per mTLS client) are made with {@code keytool} at start; SCRAM users
 * are created when the storage is formatted. {@code admin} (SCRAM) is the super user. Every password is random and
 * lives only in this object and the temporary directory.
 */
public final class SecuredKafkaBroker implements AutoCloseable, CommittedReader {
    public static final String ADMIN = "admin";

    private final Path dir;
    private final Map<String, String> passwords;
    private final String storePassword;
    private final int saslSslPort;
    private final int sslPort;
    private final Process process;

    private SecuredKafkaBroker(
            Path dir,
            Map<String, String> passwords,
            String storePassword,
            int saslSslPort,
            int sslPort,
            Process process) {
        this.dir = dir;
        this.passwords = passwords;
        this.storePassword = storePassword;
        this.saslSslPort = saslSslPort;
        this.sslPort = sslPort;
        this.process = process;
    }

    /**
     * Starts the broker in {@code dir}.
     *
     * @param scramUsers users (besides {@code admin}) that authenticate with SCRAM-SHA-512
     * @param plainUsers users that authenticate with SASL PLAIN
     * @param tlsClients common names of clients that get a certificate; their principal is {@code User:<cn>}
     */
    public static SecuredKafkaBroker start(
            Path dir, List<String> scramUsers, List<String> plainUsers, List<String> tlsClients) throws Exception {
        Files.createDirectories(dir);
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, randomSecret());
        scramUsers.forEach(u -> passwords.put(u, randomSecret()));
        plainUsers.forEach(u -> passwords.put(u, randomSecret()));
        String storePassword = randomSecret();

        Certificates certs = new Certificates(dir, storePassword);
        certs.authority();
        certs.keyPair("broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        for (String cn : tlsClients) {
            certs.keyPair(cn, "CN=" + cn, null);
        }
        certs.truststore();

        int[] ports = Ports.free(3);
        int controllerPort = ports[0];
        int saslSslPort = ports[1];
        int sslPort = ports[2];
        String plainJaas = plainUsers.stream()
                .map(u -> " user_" + u + "=\"" + passwords.get(u) + "\"")
                .collect(Collectors.joining(
                        "",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"" + ADMIN + "\" password=\"" + passwords.get(ADMIN) + "\""
                                + " user_" + ADMIN + "=\"" + passwords.get(ADMIN) + "\"",
                        ";"));
        Properties server = KafkaBrokerProcess.singleNode(dir, controllerPort);
        server.setProperty(
                "listeners",
                "SASL_SSL://127.0.0.1:" + saslSslPort + ",SSL://127.0.0.1:" + sslPort + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        server.setProperty(
                "advertised.listeners", "SASL_SSL://127.0.0.1:" + saslSslPort + ",SSL://127.0.0.1:" + sslPort);
        server.setProperty("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
        server.setProperty("inter.broker.listener.name", "SASL_SSL");
        server.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        server.setProperty("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        server.setProperty(
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + passwords.get(ADMIN) + "\";");
        server.setProperty("listener.name.sasl_ssl.plain.sasl.jaas.config", plainJaas);
        server.setProperty("listener.name.ssl.ssl.client.auth", "required");
        server.setProperty("ssl.keystore.type", "PKCS12");
        server.setProperty("ssl.keystore.location", certs.keystore("broker").toString());
        server.setProperty("ssl.keystore.password", storePassword);
        server.setProperty("ssl.truststore.type", "PKCS12");
        server.setProperty("ssl.truststore.location", certs.truststorePath().toString());
        server.setProperty("ssl.truststore.password", storePassword);
        server.setProperty("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        server.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // ANONYMOUS is the broker itself on the loopback controller listener
        server.setProperty("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        server.setProperty("allow.everyone.if.no.acl.found", "false");
        List<String> scram = new ArrayList<>();
        for (String user : passwords.keySet()) {
            if (user.equals(ADMIN) || scramUsers.contains(user)) {
                scram.add("--add-scram");
                scram.add("SCRAM-SHA-512=[name=" + user + ",password=" + passwords.get(user) + "]");
            }
        }
        KafkaBrokerProcess.format(dir, server, scram);
        Process broker = KafkaBrokerProcess.launch(dir);
        SecuredKafkaBroker b = new SecuredKafkaBroker(dir, passwords, storePassword, saslSslPort, sslPort, broker);
        try {
            b.awaitReady();
        } catch (Exception | Error e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void awaitReady() throws Exception {
        KafkaBrokerProcess.awaitReady(dir, process, saslSslPort, this::admin);
    }

    /** {@code host:port} of the SASL_SSL listener (SCRAM-SHA-512 and PLAIN). */
    public String saslSslBootstrap() {
        return "127.0.0.1:" + saslSslPort;
    }

    /** {@code host:port} of the SSL listener that requires a client certificate. */
    public String sslBootstrap() {
        return "127.0.0.1:" + sslPort;
    }

    /** The password of a SCRAM or PLAIN user. */
    public String password(String user) {
        return passwords.get(user);
    }

    /** The password of every key and trust store. */
    public String storePassword() {
        return storePassword;
    }

    /** PKCS12 trust store holding the test CA. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** PKCS12 key store with the certificate of the mTLS client with this common name. */
    public Path keystore(String commonName) {
        return dir.resolve(commonName + ".p12");
    }

    /** Every password this broker knows, for checks that none leaked. */
    public List<String> secrets() {
        List<String> all = new ArrayList<>(passwords.values());
        all.add(storePassword);
        return all;
    }

    /** Client settings of the super user over SASL_SSL with SCRAM-SHA-512. */
    public Properties adminConfig() {
        return clientConfig(ADMIN);
    }

    /** Client settings of a SCRAM user over SASL_SSL with SCRAM-SHA-512. */
    public Properties clientConfig(String user) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", saslSslBootstrap());
        jobKafkaProperties(user).forEach(p::setProperty);
        return p;
    }

    /**
     * The {@code kafka.properties.*} of a job configuration that connects as a SCRAM user over SASL_SSL (with
     * {@code kafka.bootstrap-servers} set to {@link #saslSslBootstrap()}), without the prefix.
     */
    public java.util.Map<String, String> jobKafkaProperties(String user) {
        java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required" + " username=\"" + user
                        + "\" password=\"" + passwords.get(user) + "\";");
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore().toString());
        p.put("ssl.truststore.password", storePassword);
        return p;
    }

    public Admin admin() {
        return Admin.create(adminConfig());
    }

    public void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(Arrays.stream(names)
                            .map(n -> new NewTopic(n, partitions, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Grants {@code operations} on a resource to {@code User:<user>}. */
    public void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
            throws Exception {
        try (Admin admin = admin()) {
            admin.createAcls(Arrays.stream(operations)
                            .map(op -> new AclBinding(
                                    new ResourcePattern(type, name, pattern),
                                    new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = adminConfig();
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return KafkaBrokerExtension.readCommitted(adminConfig(), topic);
    }

    /** Stops the broker and waits for it to exit. The directory is left to its owner (a JUnit temp dir). */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String randomSecret() {
        return "s3cr3t-" + Uuid.randomUuid().toString().replace("-", "").substring(0, 16);
    }

    /** keytool runs: a CA, key pairs signed by it, and a trust store with the CA. */
    private record Certificates(Path dir, String password) {
        void authority() throws Exception {
            Keytool.selfSigned(dir.resolve("ca.p12"), "ca", "CN=eventpipe-test-ca", "bc:c", password);
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "ca",
                    "-keystore",
                    dir.resolve("ca.p12").toString(),
                    "-storepass",
                    password,
                    "-file",
                    dir.resolve("ca.pem").toString());
        }

        void keyPair(String name, String dname, String san) throws Exception {
            String store = keystore(name).toString();
            Keytool.selfSigned(keystore(name), name, dname, null, password);
            keytool(
                    "-certreq",
                    "-alias",
                    name,
                    "-keystore",
                    store,
                    "-storepass",
                    password,
                    "-file",
                    dir.resolve(name + ".csr").toString());
            List<String> sign = new ArrayList<>(List.of(
                    "-gencert",
                    "-rfc",
                    "-alias",
                    "ca",
                    "-validity",
                    "2",
                    "-keystore",
                    dir.resolve("ca.p12").toString(),
                    "-storepass",
                    password,
                    "-infile",
                    dir.resolve(name + ".csr").toString(),
                    "-outfile",
                    dir.resolve(name + ".pem").toString()));
            if (san != null) {
                sign.addAll(List.of("-ext", san));
            }
            keytool(sign.toArray(String[]::new));
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    dir.resolve("ca.pem").toString(),
                    "-keystore",
                    store,
                    "-storepass",
                    password);
            keytool(
                    "-importcert",
                    "-alias",
                    name,
                    "-file",
                    dir.resolve(name + ".pem").toString(),
                    "-keystore",
                    store,
                    "-storepass",
                    password);
        }

        void truststore() throws Exception {
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    dir.resolve("ca.pem").toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    truststorePath().toString(),
                    "-storepass",
                    password);
        }

        Path keystore(String name) {
            return dir.resolve(name + ".p12");
        }

        Path truststorePath() {
            return dir.resolve("truststore.p12");
        }

        private void keytool(String... args) throws Exception {
            Keytool.run(args);
        }
    }
}
