package io.eventpipe.cluster;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible object store in this JVM for one test class: S3Proxy over an in-memory store, on a free port
 * of 127.0.0.1 (plain HTTP), with one bucket and a random key pair that every request must be signed with (AWS
 * signature V2 or V4, so a wrong secret is refused). Register it before the {@link io.eventpipe.testkit.cluster.StandaloneClusterExtension} that
 * takes its {@link #flinkConfig()}: extensions stop in reverse order, so the cluster stops first.
 */
final class S3ServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final String bucket;
    private final String accessKey = "eventpipe-" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString();
    private BlobStore store;
    private S3Proxy proxy;
    private S3Client client;

    S3ServerExtension(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        store = new TransientNio2BlobStore();
        store.createContainer(bucket);
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> "STARTED".equals(proxy.getState()));
        client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            client = null;
            try {
                if (proxy != null) {
                    proxy.stop();
                }
            } finally {
                proxy = null;
                if (store != null) {
                    store.close();
                    store = null;
                }
            }
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    String bucket() {
        return bucket;
    }

    /** The secret key, which must not show up in logs. */
    String secretKey() {
        return secretKey;
    }

    /**
     * The Flink cluster settings (config.yaml) for {@code s3://} paths on this server through flink-s3-fs-hadoop: the
     * endpoint with its {@code http} scheme (without one the client speaks HTTPS), path-style bucket addressing, keys.
     */
    Map<String, String> flinkConfig() {
        return Map.of(
                "s3.endpoint",
                endpoint(),
                "s3.path.style.access",
                "true",
                "s3.access-key",
                accessKey,
                "s3.secret-key",
                secretKey);
    }

    /** A client of this server, signed with its keys. */
    S3Client client() {
        return client;
    }

    /** Every object whose key starts with {@code prefix}. */
    List<S3Object> objects(String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .toList();
    }

    /** The multipart uploads started and neither completed nor aborted. */
    List<MultipartUpload> pendingUploads() {
        List<MultipartUpload> out = new ArrayList<>();
        client.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads().forEach(out::add);
        return out;
    }
}
