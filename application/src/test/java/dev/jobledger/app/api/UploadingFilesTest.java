package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.JobQueue;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.TestStack;
import dev.jobledger.testing.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Files go to the real S3 protocol under keys the server makes; the queue message says where. */
class UploadingFilesTest extends LedgerIntegrationTest {

    private static final byte[] CSV = "email,age\na@example.com,30\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void anUploadedFileIsStoredUnderAServerMadeKeyAndItsLocationIsDispatched() throws Exception {
        String user = newUser();
        Api.Answer answer = api.postMultipart(
                "/api/jobs",
                Tokens.user(user),
                Map.of("jobType", "csv-import", "payload", "{\"columns\":[]}", "maxAttempts", "2"),
                "people.csv",
                CSV);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        JsonNode job = answer.body();
        String jobId = job.path("jobId").asText();
        String key = job.path("file").path("key").asText();
        assertThat(key).startsWith("jobs/" + user + "/" + jobId + "/").endsWith("/people.csv");
        assertThat(job.path("file").path("name").asText()).isEqualTo("people.csv");
        assertThat(job.path("file").path("size").asLong()).isEqualTo(CSV.length);
        assertThat(job.path("payload").has("columns")).isTrue();
        assertThat(job.path("maxAttempts").asInt()).isEqualTo(2);
        try (S3Client s3 = TestStack.s3().client()) {
            assertThat(s3.getObjectAsBytes(get -> get.bucket(TestStack.BUCKET).key(key))
                            .asByteArray())
                    .isEqualTo(CSV);
        }
        JsonNode message = new ObjectMapper()
                .readTree(JobQueue.awaitMessages(jobId, 1).get(0).body());
        assertThat(message.path("bucket").asText()).isEqualTo(TestStack.BUCKET);
        assertThat(message.path("key").asText()).isEqualTo(key);
        assertThat(message.path("fileName").asText()).isEqualTo("people.csv");
    }

    @Test
    void aLargeFileIsStreamedAsAMultipartUpload() {
        // Bytes that differ along the file, so that a part sent from the wrong place in its buffer shows.
        byte[] nineMegabytes = new byte[9 * 1024 * 1024];
        new Random(9).nextBytes(nineMegabytes);

        Api.Answer answer = api.postMultipart(
                "/api/jobs", Tokens.user(newUser()), Map.of("jobType", "csv-import"), "big.csv", nineMegabytes);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        String key = answer.body().path("file").path("key").asText();
        try (S3Client s3 = TestStack.s3().client()) {
            assertThat(s3.getObjectAsBytes(get -> get.bucket(TestStack.BUCKET).key(key))
                            .asByteArray())
                    .isEqualTo(nineMegabytes);
        }
    }

    @Test
    void hostileFileNamesNeverSteerTheKeyAndAreKeptAsData() {
        String token = Tokens.user(newUser());
        for (String hostile : new String[] {"../../etc/passwd", "a".repeat(300) + ".csv", "bad\u0001name\u0007.csv"}) {
            Api.Answer answer = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), hostile, CSV);

            assertThat(answer.status()).as(hostile).isEqualTo(202);
            String jobId = answer.body().path("jobId").asText();
            String key = answer.body().path("file").path("key").asText();
            String last = key.substring(key.lastIndexOf('/') + 1);
            assertThat(key).as(hostile).doesNotContain("..").matches("jobs/[^/]+/" + jobId + "/[0-9a-f-]{36}/[^/]+");
            assertThat(last).as(hostile).matches("[A-Za-z0-9._-]{1,100}").doesNotStartWith(".");
        }
    }

    @Test
    void anEmptyFileOrAMissingFileForAJobTypeThatReadsOneIsABadRequest() {
        String token = Tokens.user(newUser());

        Api.Answer empty = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), "e.csv", new byte[0]);
        Api.Answer missing = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), null, null);
        Api.Answer leftEmpty = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), "", new byte[0]);

        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().path("detail").asText()).contains("empty");
        for (Api.Answer noFile : List.of(missing, leftEmpty)) {
            assertThat(noFile.status()).as(noFile.toString()).isEqualTo(400);
            assertThat(noFile.contentType()).startsWith("application/problem+json");
            assertThat(noFile.body().path("detail").asText()).contains("'csv-import' needs a file");
        }
    }

    @Test
    void aFormWithoutAFileSubmitsAJobTypeThatNeedsNone() {
        String user = newUser();
        String token = Tokens.user(user);
        Map<String, String> fields = Map.of("jobType", "example", "payload", "{\"sleepMillis\":0}", "maxAttempts", "2");

        Api.Answer withoutPart = api.postMultipart("/api/jobs", token, fields, null, null);
        // What a browser sends for a file input left empty: a part with an empty name and no bytes.
        Api.Answer leftEmpty = api.postMultipart("/api/jobs", token, fields, "", new byte[0]);

        for (Api.Answer answer : List.of(withoutPart, leftEmpty)) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
            assertThat(answer.body().path("jobType").asText()).isEqualTo("example");
            assertThat(answer.body().path("maxAttempts").asInt()).isEqualTo(2);
            assertThat(answer.body().path("payload").path("sleepMillis").asInt())
                    .isZero();
            assertThat(answer.body().has("file") && !answer.body().path("file").isNull())
                    .as(answer.toString())
                    .isFalse();
        }
        try (S3Client s3 = TestStack.s3().client()) {
            assertThat(s3.listObjectsV2(list -> list.bucket(TestStack.BUCKET).prefix("jobs/" + user + "/"))
                            .contents())
                    .isEmpty();
        }
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413() {
        byte[] thirteenMegabytes = new byte[13 * 1024 * 1024];

        Api.Answer answer = api.postMultipart(
                "/api/jobs", Tokens.user(newUser()), Map.of("jobType", "csv-import"), "huge.csv", thirteenMegabytes);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aPayloadThatIsNotAJsonObjectIsABadRequestAndLeavesNoObjectBehind() {
        Api.Answer answer = api.postMultipart(
                "/api/jobs",
                Tokens.user(newUser()),
                Map.of("jobType", "csv-import", "payload", "[1,2"),
                "people.csv",
                CSV);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("detail").asText()).contains("payload");
    }

    @Test
    void anUploadWhoseJobCannotBeRecordedIsRemovedFromTheBucket() {
        String user = newUser();
        String token = Tokens.user(user);
        Map<String, String> key = Map.of("Idempotency-Key", "import-1");
        Api.Answer first = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), "a.csv", CSV, key);
        Api.Answer reused = api.postMultipart(
                "/api/jobs", token, Map.of("jobType", "csv-import", "maxAttempts", "1"), "b.csv", CSV, key);
        Api.Answer repeated = api.postMultipart("/api/jobs", token, Map.of("jobType", "csv-import"), "c.csv", CSV, key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(repeated.body().path("jobId").asText())
                .isEqualTo(first.body().path("jobId").asText());
        try (S3Client s3 = TestStack.s3().client()) {
            List<String> stored = s3
                    .listObjectsV2(list -> list.bucket(TestStack.BUCKET).prefix("jobs/" + user + "/"))
                    .contents()
                    .stream()
                    .map(S3Object::key)
                    .toList();
            assertThat(stored)
                    .containsExactly(first.body().path("file").path("key").asText());
        }
    }
}
