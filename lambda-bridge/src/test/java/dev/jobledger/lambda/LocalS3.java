package dev.jobledger.lambda;

import java.net.URI;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The project's S3 stand-in on loopback, used through the function's own S3 client. */
final class LocalS3 implements AutoCloseable {

    static final String BUCKET = "job-files";
    static final String REGION = "us-east-1";

    private final dev.jobledger.standins.LocalS3 server;
    private final S3Client client;

    LocalS3() {
        server = dev.jobledger.standins.LocalS3.start(0, null);
        server.createBucket(BUCKET);
        // The SDK's default credentials chain reads these system properties: the function's client is used as is.
        System.setProperty("aws.accessKeyId", dev.jobledger.standins.LocalS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", dev.jobledger.standins.LocalS3.SECRET_KEY);
        client = SqsJobHandler.s3Client(BridgeConfig.builder()
                .apiBaseUrl(URI.create("http://unused"))
                .bridgeToken("unused")
                .s3Bucket(BUCKET)
                .region(REGION)
                .s3Endpoint(server.endpoint())
                .build());
    }

    URI endpoint() {
        return server.endpoint();
    }

    S3Client client() {
        return client;
    }

    void put(String key, byte[] content) {
        client.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
    }
}
