package dev.jobledger.command.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.command.aws.AwsSettings;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.standins.LocalS3;
import java.io.ByteArrayInputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/** Job files on a real S3-protocol server, with the headers the service sends recorded on the way. */
class JobFilesTest {

    private static final String BUCKET = "job-files";
    private static LocalS3 server;
    private static final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server = LocalS3.start(0, null);
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JobFiles files(String kmsKeyId) {
        sent.clear();
        S3Client recording = server.clientBuilder()
                .overrideConfiguration(config -> config.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))
                .build();
        return new JobFiles(recording, new AwsSettings("us-east-1", new AwsSettings.S3(BUCKET, kmsKeyId, null), null));
    }

    private static String header(SdkHttpRequest request, String name) {
        return request.firstMatchingHeader(name).orElse(null);
    }

    @Test
    void everyObjectIsEncryptedWithSseS3ByDefault() throws Exception {
        byte[] content = "a,b\n".getBytes();
        StoredFile stored = files(null)
                .store(
                        UUID.randomUUID(),
                        "alice",
                        "a.csv",
                        "text/csv",
                        content.length,
                        () -> new ByteArrayInputStream(content));

        assertThat(sent).hasSize(1);
        assertThat(header(sent.get(0), "x-amz-server-side-encryption")).isEqualTo("AES256");
        try (S3Client s3 = server.client()) {
            assertThat(s3.getObjectAsBytes(get -> get.bucket(BUCKET).key(stored.key()))
                            .asByteArray())
                    .isEqualTo(content);
        }
    }

    @Test
    void aKmsKeyWhenConfiguredAndBigFilesAsMultipartUploadsOfBoundedParts() throws Exception {
        byte[] content = new byte[JobFiles.PART_SIZE * 2 + 10];
        StoredFile stored = files("arn:aws:kms:us-east-1:111122223333:key/test")
                .store(
                        UUID.randomUUID(),
                        "alice",
                        "big.bin",
                        "application/octet-stream",
                        content.length,
                        () -> new ByteArrayInputStream(content));

        SdkHttpRequest create = sent.get(0);
        assertThat(create.rawQueryParameters()).containsKey("uploads");
        assertThat(header(create, "x-amz-server-side-encryption")).isEqualTo("aws:kms");
        assertThat(header(create, "x-amz-server-side-encryption-aws-kms-key-id"))
                .isEqualTo("arn:aws:kms:us-east-1:111122223333:key/test");
        assertThat(header(create, "x-amz-server-side-encryption-bucket-key-enabled"))
                .isEqualTo("true");
        assertThat(sent)
                .filteredOn(request -> request.rawQueryParameters().containsKey("partNumber"))
                .hasSize(3);
        try (S3Client s3 = server.client()) {
            assertThat(s3.headObject(head -> head.bucket(BUCKET).key(stored.key()))
                            .contentLength())
                    .isEqualTo(content.length);
        }
    }

    @Test
    void aLargeFileReadFromDiskLeavesNoPartSizedBufferWithTheThreadThatStoredIt() throws Exception {
        Path upload = Files.createTempFile("upload", ".bin");
        try {
            Files.write(upload, new byte[JobFiles.PART_SIZE + 10]);
            JobFiles files = files(null);
            BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct"))
                    .findFirst()
                    .orElseThrow();
            // A thread of its own, with nothing kept from earlier reads, measured before it ends (a thread's buffers
            // are freed when it ends; a request thread of the server lives on).
            ExecutorService uploader = Executors.newSingleThreadExecutor();
            long kept;
            try {
                kept = uploader.submit(() -> {
                            long before = direct.getMemoryUsed();
                            files.store(
                                    UUID.randomUUID(),
                                    "alice",
                                    "big.bin",
                                    "application/octet-stream",
                                    Files.size(upload),
                                    () -> Files.newInputStream(upload));
                            return direct.getMemoryUsed() - before;
                        })
                        .get();
            } finally {
                uploader.shutdown();
            }

            assertThat(sent)
                    .filteredOn(request -> request.rawQueryParameters().containsKey("partNumber"))
                    .hasSize(2);
            // A part-sized buffer kept is 8 MiB; the stand-in server in this JVM may pool a few small ones meanwhile.
            assertThat(kept).isLessThan(JobFiles.PART_SIZE / 2);
        } finally {
            Files.delete(upload);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "people.csv, people.csv",
        "../../etc/passwd, passwd",
        "..\\..\\windows\\system.ini, system.ini",
        "'.hidden', hidden",
        "'a b;c.csv', a_b_c.csv",
        "'', file",
        "'../', file"
    })
    void fileNamesAreReducedToASafeLastSegment(String clientName, String expected) {
        assertThat(JobFiles.safeName(clientName)).isEqualTo(expected);
    }

    @Test
    void ownersThatAreNotKeySafeAreDigested() {
        assertThat(JobFiles.ownerSegment("alice")).isEqualTo("alice");
        assertThat(JobFiles.ownerSegment("auth0|12/../x")).startsWith("u-").hasSize(34);
    }
}
