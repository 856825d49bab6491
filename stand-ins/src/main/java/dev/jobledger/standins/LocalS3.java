package dev.jobledger.standins;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3-protocol server (S3Proxy) on loopback, storing objects in a directory (kept across restarts) or in
 * memory.
 */
public final class LocalS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext store;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy, BlobStoreContext store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
    }

    /** Starts a server keeping objects under {@code directory}, or in memory when it is {@code null}. */
    public static LocalS3 start(int port, Path directory) {
        Properties properties = new Properties();
        String provider = "transient";
        if (directory != null) {
            provider = "filesystem";
            properties.setProperty(
                    "jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
        }
        BlobStoreContext store = ContextBuilder.newBuilder(provider)
                .credentials("identity", "credential")
                .overrides(properties)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                // Signatures are not checked: S3Proxy's V4 check refuses the current SDK's signed PutObject, and
                // the stand-in only listens on loopback.
                .awsAuthentication(AuthenticationType.NONE, ACCESS_KEY, SECRET_KEY)
                // It stores objects unencrypted and would refuse the service's server-side-encryption headers.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within 30 s");
                }
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            stopQuietly(proxy);
            store.close();
            throw new IllegalStateException("Could not start the local S3", e);
        }
        return new LocalS3(proxy, store, URI.create("http://localhost:" + proxy.getPort()));
    }

    /** A server that failed to start may have started some of its threads. */
    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception stopping) {
            // What failed to start is what the caller hears about.
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return proxy.getPort();
    }

    /** A client as the service builds one against a local endpoint: path-style, checksums only when required. */
    public S3Client client() {
        return clientBuilder().build();
    }

    /** The builder of {@link #client()}, for callers that add to it. */
    public S3ClientBuilder clientBuilder() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(LocalSqs.REGION)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            boolean exists =
                    s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
            if (!exists) {
                s3.createBucket(create -> create.bucket(bucket));
            }
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        store.close();
    }
}
