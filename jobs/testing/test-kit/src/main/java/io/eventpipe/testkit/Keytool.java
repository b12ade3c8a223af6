package io.eventpipe.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The JDK's {@code keytool}, for tests that make their certificates at run time, and SSL contexts from its stores. */
public final class Keytool {
    private Keytool() {}

    /** Runs keytool; throws with its output when it fails. */
    public static void run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }

    /**
     * A PKCS12 store with one self-signed key pair; {@code extension} (such as {@code SAN=dns:localhost}, or
     * {@code bc:c} for a certificate authority) may be null.
     */
    public static void selfSigned(Path store, String alias, String dname, String extension, String password)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-dname",
                dname,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password));
        if (extension != null) {
            args.addAll(List.of("-ext", extension));
        }
        run(args.toArray(String[]::new));
    }

    /** A PKCS12 trust store holding the certificate of {@code alias} in {@code keyStore}. */
    public static void trustStoreOf(Path keyStore, String alias, Path trustStore, String password)
            throws IOException, InterruptedException {
        Path pem = trustStore.resolveSibling(trustStore.getFileName() + ".pem");
        run(
                "-exportcert",
                "-rfc",
                "-alias",
                alias,
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password,
                "-file",
                pem.toString());
        run(
                "-importcert",
                "-noprompt",
                "-alias",
                alias,
                "-file",
                pem.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                password);
    }

    /** An SSL context that presents the key in {@code keyStore} and trusts what {@code trustStore} holds. */
    public static SSLContext sslContext(Path keyStore, Path trustStore, String password) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, password), password.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, password));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path store, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }
}
