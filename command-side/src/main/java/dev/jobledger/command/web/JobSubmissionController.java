package dev.jobledger.command.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.command.files.JobFiles;
import dev.jobledger.command.job.BatchedCommands;
import dev.jobledger.command.job.IdempotencyKeyReused;
import dev.jobledger.command.jobtype.JobTypes;
import dev.jobledger.messages.Actor;
import dev.jobledger.messages.Caller;
import dev.jobledger.messages.JobCommand;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.messages.SubmitJob;
import dev.jobledger.messages.SubmitNewJob;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/jobs")
@Tag(name = "Jobs")
class JobSubmissionController {

    private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {};
    // The read model's columns: file_name VARCHAR(1024), file_content_type VARCHAR(255).
    private static final int MAX_FILE_NAME = 1024;
    private static final int MAX_CONTENT_TYPE = 255;

    // Submissions that arrive together are recorded together, in one transaction.
    private final BatchedCommands submissions;
    private final JobTypes jobTypes;
    private final JobFiles files;
    private final ObjectMapper json;
    private final Validator validator;
    private final JsonDocuments documents;

    JobSubmissionController(
            BatchedCommands submissions,
            JobTypes jobTypes,
            JobFiles files,
            ObjectMapper json,
            Validator validator,
            JsonDocuments documents) {
        this.submissions = submissions;
        this.jobTypes = jobTypes;
        this.files = files;
        this.json = json;
        this.validator = validator;
        this.documents = documents;
    }

    @Operation(
            summary = "Submit a job",
            description = "Records the job as PENDING and answers at once. With an Idempotency-Key, the same key from"
                    + " the same user answers the same job instead of creating a second one.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(
            @Valid @RequestBody SubmitJobRequest request,
            @Parameter(description = "Makes retries of this request safe: 1 to 255 visible ASCII characters.")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    @Size(min = 1, max = 255)
                    @Pattern(regexp = "[\\x21-\\x7E]+", message = "must be visible ASCII characters")
                    String idempotencyKey,
            Caller caller) {
        JobTypes.JobType type = registered(request.jobType(), "");
        if (type.requiresFile()) {
            throw badRequest("Job type '" + request.jobType() + "' needs a file: submit it as multipart/form-data");
        }
        documents.requireStorable("payload", request.payload());
        return accepted(submissions.send(submitJobCommand(
                type, jobIdFor(caller.subject(), idempotencyKey), request, idempotencyKey, caller, null)));
    }

    @Operation(
            summary = "Submit jobs in a batch",
            description = "Up to 100 jobs that need no file, each as POST /api/jobs takes it plus its own optional"
                    + " idempotencyKey, recorded together in one transaction. A batch with an invalid job is refused"
                    + " whole (400, naming the job), and nothing is recorded. Otherwise each job is answered in the"
                    + " order sent, with the status its own submission would have had: 202 with the job, or 422 when"
                    + " its idempotency key was used before with another request. The answer is 202 when every job"
                    + " was accepted, 207 when some were refused. Sent again with the same keys, a batch answers the"
                    + " same jobs; without keys it submits new ones.")
    @ApiResponse(responseCode = "202", description = "Every job was accepted")
    @ApiResponse(
            responseCode = "207",
            description = "Some jobs were refused: each outcome's status and detail say which and why")
    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SubmittedJobs> submitBatch(
            @Valid @RequestBody SubmitJobBatchRequest request,
            @Parameter(description = "Not taken for a batch: each job carries its own idempotencyKey.")
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey,
            Caller caller) {
        if (idempotencyKey != null) {
            // Ignoring it would let a client believe its retries are safe; one key cannot name many jobs.
            throw badRequest("A batch takes no Idempotency-Key header: give each job its own idempotencyKey");
        }
        List<SubmitJobBatchRequest.Item> items = request.jobs();
        List<JobCommand> commands = new ArrayList<>(items.size());
        for (int index = 0; index < items.size(); index++) {
            SubmitJobBatchRequest.Item item = items.get(index);
            String where = "jobs[" + index + "]: ";
            JobTypes.JobType type = registered(item.jobType(), where);
            if (type.requiresFile()) {
                throw badRequest(where + "job type '" + item.jobType()
                        + "' needs a file: submit it alone as multipart/form-data");
            }
            documents.requireStorable("jobs[" + index + "].payload", item.payload());
            commands.add(submitJobCommand(
                    type,
                    jobIdFor(caller.subject(), item.idempotencyKey()),
                    item.submission(),
                    item.idempotencyKey(),
                    caller,
                    null));
        }
        List<SubmittedJobs.Outcome> outcomes = new ArrayList<>(items.size());
        for (BatchedCommands.Outcome<JobView> outcome : submissions.<JobView>sendAll(commands)) {
            if (outcome.refusal() instanceof IdempotencyKeyReused reused) {
                outcomes.add(new SubmittedJobs.Outcome(422, null, reused.getMessage()));
            } else if (outcome.refused()) {
                throw outcome.refusal();
            } else {
                outcomes.add(new SubmittedJobs.Outcome(202, outcome.result(), null));
            }
        }
        SubmittedJobs answer = new SubmittedJobs(outcomes);
        return ResponseEntity.status(answer.allAccepted() ? HttpStatus.ACCEPTED : HttpStatus.MULTI_STATUS)
                .body(answer);
    }

    @Operation(
            summary = "Submit a job with a file",
            description = "multipart/form-data: jobType, file, optional payload (a JSON object as text) and"
                    + " maxAttempts. The file is streamed to the job file bucket, encrypted at rest. The file part may"
                    + " be left out (or sent empty without a name, as a browser sends an empty file input) for a job"
                    + " type that needs no file.")
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JobView> submitWithFile(
            @RequestParam String jobType,
            @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(required = false) String payload,
            @RequestParam(required = false) @Min(1) @Max(10) Integer maxAttempts,
            @RequestHeader(name = "Idempotency-Key", required = false)
                    @Size(min = 1, max = 255)
                    @Pattern(regexp = "[\\x21-\\x7E]+", message = "must be visible ASCII characters")
                    String idempotencyKey,
            Caller caller)
            throws IOException {
        SubmitJobRequest request = new SubmitJobRequest(jobType, payloadObject(payload), maxAttempts);
        Set<ConstraintViolation<SubmitJobRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            ConstraintViolation<SubmitJobRequest> first = violations.iterator().next();
            throw badRequest(first.getPropertyPath() + " " + first.getMessage());
        }
        JobTypes.JobType type = registered(jobType, "");
        documents.requireStorable("payload", request.payload());
        if (noFileChosen(file)) {
            if (type.requiresFile()) {
                throw badRequest("Job type '" + jobType + "' needs a file: add it as the form's file part");
            }
            return accepted(submissions.send(submitJobCommand(
                    type, jobIdFor(caller.subject(), idempotencyKey), request, idempotencyKey, caller, null)));
        }
        if (file.isEmpty()) {
            throw badRequest("The file is empty");
        }
        UUID jobId = jobIdFor(caller.subject(), idempotencyKey);
        StoredFile stored =
                files.store(jobId, caller.subject(), fileName(file), contentType(file), file.getSize(), file);
        JobView job;
        try {
            job = submissions.send(submitJobCommand(type, jobId, request, idempotencyKey, caller, stored));
        } catch (RuntimeException notRecorded) {
            files.delete(stored.key());
            throw notRecorded;
        }
        if (job.file() == null || !stored.key().equals(job.file().key())) {
            // An idempotent repeat answered the job of the first request: this upload belongs to no job.
            files.delete(stored.key());
        }
        return accepted(job);
    }

    /**
     * No file part, or the part a browser sends for a file input left empty: no name and no bytes. A named file of no
     * bytes is a file, and refused as empty.
     */
    private static boolean noFileChosen(MultipartFile file) {
        if (file == null) {
            return true;
        }
        String name = file.getOriginalFilename();
        return file.isEmpty() && (name == null || name.isEmpty());
    }

    /** The client's name for the file, kept as data on the job: it must be storable, and fit its column. */
    private static String fileName(MultipartFile file) {
        String name = file.getOriginalFilename();
        if (name == null) {
            return null;
        }
        if (name.length() > MAX_FILE_NAME || !StorableText.Check.isStorable(name)) {
            throw badRequest("The file name must be at most " + MAX_FILE_NAME
                    + " characters, without NUL characters or unpaired surrogates");
        }
        return name;
    }

    /** The part's declared media type, normalised; anything that is not a media type is refused. */
    private static String contentType(MultipartFile file) {
        String declared = file.getContentType();
        if (declared == null || declared.isBlank()) {
            return MediaType.APPLICATION_OCTET_STREAM_VALUE;
        }
        if (declared.length() > MAX_CONTENT_TYPE) {
            throw badRequest("The file's Content-Type must be at most " + MAX_CONTENT_TYPE + " characters");
        }
        try {
            return MediaType.parseMediaType(declared).toString();
        } catch (InvalidMediaTypeException e) {
            throw badRequest("The file's Content-Type is not a media type: " + e.getMessage());
        }
    }

    private Map<String, Object> payloadObject(String payload) {
        if (payload == null || payload.isBlank()) {
            return null;
        }
        try {
            return json.readValue(payload, PAYLOAD);
        } catch (JsonParseException e) {
            throw badRequest("payload is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw badRequest("payload must be a JSON object");
        }
    }

    private JobTypes.JobType registered(String jobType, String where) {
        return jobTypes.find(jobType)
                .orElseThrow(() -> badRequest(where + "Unknown job type '" + jobType + "'; registered types are "
                        + jobTypes.types().keySet().stream().sorted().toList()));
    }

    /**
     * Without a key the job's id is random, so no job can have it yet: {@link SubmitNewJob} creates it without reading
     * the store. A key names the same id every time, which a job may already have: {@link SubmitJob} answers it (and
     * {@link BatchedCommands} creates it without reading the store too when the store holds no job under that id).
     */
    private JobCommand submitJobCommand(
            JobTypes.JobType type,
            UUID jobId,
            SubmitJobRequest request,
            String idempotencyKey,
            Caller caller,
            StoredFile file) {
        String userId = caller.subject();
        String queue = jobTypes.queueOf(type);
        int maxAttempts = request.maxAttempts() == null ? type.defaultMaxAttempts() : request.maxAttempts();
        if (idempotencyKey == null) {
            return new SubmitNewJob(
                    jobId,
                    request.jobType(),
                    userId,
                    queue,
                    maxAttempts,
                    request.payload(),
                    file,
                    null,
                    Actor.user(userId));
        }
        return new SubmitJob(
                jobId,
                request.jobType(),
                userId,
                queue,
                maxAttempts,
                request.payload(),
                file,
                idempotencyKey,
                Actor.user(userId));
    }

    private static ResponseEntity<JobView> accepted(JobView job) {
        return ResponseEntity.accepted()
                .location(URI.create("/api/jobs/" + job.jobId()))
                .body(job);
    }

    private static UUID jobIdFor(String userId, String idempotencyKey) {
        return idempotencyKey == null ? UUID.randomUUID() : idempotentJobId(userId, idempotencyKey);
    }

    /** The same user and key always name the same job; different users never share one. */
    static UUID idempotentJobId(String userId, String idempotencyKey) {
        return UUID.nameUUIDFromBytes(
                ("job-ledger/idempotency/" + userId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }

    private static ErrorResponseException badRequest(String detail) {
        return new ErrorResponseException(
                HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
    }
}
