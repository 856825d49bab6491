package dev.jobledger.command.files;

import dev.jobledger.command.aws.AwsSettings;
import dev.jobledger.messages.StoredFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.io.InputStreamSource;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Job input files in the job file bucket. Keys are made by the server ({@code jobs/{owner}/{job}/{upload}/{name}});
 * the client's file name is kept as data and only a sanitised copy of it ends the key, so it can never steer where
 * the object goes. Every object is encrypted at rest (SSE-S3, or SSE-KMS when a key is configured). Content is
 * streamed: small files in one request, large ones as a multipart upload of bounded parts.
 */
@Component
public class JobFiles {

    static final int PART_SIZE = 8 * 1024 * 1024;
    /**
     * A part is read from the upload in steps of this size. A file channel reads into a heap array through a direct
     * buffer as large as the read, and the reading thread keeps that buffer for its next read: one 8 MiB read per part
     * left 8 MiB of native memory with every request thread that had taken an upload (up to 1.6 GiB for Tomcat's 200).
     */
    static final int READ_STEP = 64 * 1024;

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
    private static final int MAX_NAME = 100;

    private final S3Client s3;
    private final AwsSettings.S3 settings;

    JobFiles(S3Client s3, AwsSettings aws) {
        this.s3 = s3;
        this.settings = aws.s3();
    }

    /** Stores the content and answers where it went. The stream is read once and not closed. */
    public StoredFile store(
            UUID jobId, String ownerId, String clientName, String contentType, long size, InputStreamSource content)
            throws IOException {
        String key =
                "jobs/" + ownerSegment(ownerId) + "/" + jobId + "/" + UUID.randomUUID() + "/" + safeName(clientName);
        if (size <= PART_SIZE) {
            s3.putObject(
                    put -> {
                        put.bucket(settings.bucket()).key(key).contentType(contentType);
                        encrypt(put);
                    },
                    RequestBody.fromContentProvider(() -> open(content), size, contentType));
        } else {
            try (InputStream stream = content.getInputStream()) {
                uploadInParts(key, contentType, stream);
            }
        }
        return new StoredFile(key, clientName, "s3://" + settings.bucket() + "/" + key, size, contentType);
    }

    private static InputStream open(InputStreamSource content) {
        try {
            return content.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("The upload could not be read again", e);
        }
    }

    private void encrypt(software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder put) {
        if (settings.kmsKeyId() == null) {
            put.serverSideEncryption(ServerSideEncryption.AES256);
        } else {
            put.serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .ssekmsKeyId(settings.kmsKeyId())
                    .bucketKeyEnabled(true);
        }
    }

    private static int readPart(InputStream content, byte[] buffer) throws IOException {
        int filled = 0;
        for (int read; filled < buffer.length; filled += read) {
            read = content.read(buffer, filled, Math.min(READ_STEP, buffer.length - filled));
            if (read < 0) {
                break;
            }
        }
        return filled;
    }

    private void uploadInParts(String key, String contentType, InputStream content) throws IOException {
        String uploadId = s3.createMultipartUpload(create -> {
                    create.bucket(settings.bucket()).key(key).contentType(contentType);
                    if (settings.kmsKeyId() == null) {
                        create.serverSideEncryption(ServerSideEncryption.AES256);
                    } else {
                        create.serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(settings.kmsKeyId())
                                .bucketKeyEnabled(true);
                    }
                })
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[PART_SIZE];
            int partNumber = 1;
            int filled;
            while ((filled = readPart(content, buffer)) > 0) {
                int number = partNumber++;
                int length = filled;
                String etag = s3.uploadPart(
                                part -> part.bucket(settings.bucket())
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                // Read from the buffer as it is: a copy would be another part's worth of heap
                                // per upload. A retry of the part opens the provider again.
                                RequestBody.fromContentProvider(
                                        () -> new ByteArrayInputStream(buffer, 0, length),
                                        length,
                                        "application/octet-stream"))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(complete -> complete.bucket(settings.bucket())
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(
                    abort -> abort.bucket(settings.bucket()).key(key).uploadId(uploadId));
            throw e;
        }
    }

    /** Removes an object that no job refers to (the job could not be recorded, or an idempotent repeat). */
    public void delete(String key) {
        s3.deleteObject(delete -> delete.bucket(settings.bucket()).key(key));
    }

    /** The file name as it may end a key: safe characters only, no leading dots, bounded length. */
    static String safeName(String clientName) {
        String base = clientName == null ? "" : clientName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        String safe = UNSAFE.matcher(base).replaceAll("_").replaceAll("^[._]+", "");
        if (safe.length() > MAX_NAME) {
            safe = safe.substring(safe.length() - MAX_NAME);
        }
        return safe.isEmpty() ? "file" : safe;
    }

    /** The owner's id as a key segment: kept when it is already safe, else a digest of it. */
    static String ownerSegment(String ownerId) {
        if (ownerId.matches("[A-Za-z0-9_-]{1,64}")) {
            return ownerId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ownerId.getBytes(StandardCharsets.UTF_8));
            return "u-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
