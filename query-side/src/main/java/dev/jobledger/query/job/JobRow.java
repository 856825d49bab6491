package dev.jobledger.query.job;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobSubmitted;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StoredFile;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;
import org.springframework.data.domain.Persistable;

/**
 * One row of the {@code job} read table. Changed only through named mutators, each called for one event; the
 * sequence number of the last applied event makes a redelivered event change nothing.
 *
 * <p>What a submission sets is never written again ({@code updatable = false}): without that, each of a job's events
 * would rewrite, and serialise, its JSON payload. (Hibernate's {@code @DynamicUpdate} would do it too, but makes its
 * update statement anew at every flush, which cost as much as it saved in a profile.) The JSON documents are
 * replaced, never changed in place ({@code Immutability}): Hibernate keeps no deep copy of them to compare at flush.
 */
@Entity
@Table(name = "job")
class JobRow implements Persistable<UUID> {

    @Id
    private UUID id;

    @Column(updatable = false)
    private String jobType;

    @Enumerated(EnumType.STRING)
    private JobStatus status;

    @Column(updatable = false)
    private String userId;

    @Column(updatable = false)
    private String queue;

    private int attempt;
    private int attempts;
    private int maxAttempts;
    private String errorReason;
    private boolean deadLettered;

    @Column(updatable = false)
    private String fileKey;

    @Column(updatable = false)
    private String fileName;

    @Column(updatable = false)
    private String fileUrl;

    @Column(updatable = false)
    private Long fileSize;

    @Column(updatable = false)
    private String fileContentType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(updatable = false)
    private Map<String, Object> payload;

    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    private Map<String, Object> result;

    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(updatable = false)
    private Map<String, Object> meta;

    private long processedRows;
    private Long totalRows;
    private long failedRows;
    private long logCount;

    @Column(updatable = false)
    private Instant createdAt;

    private Instant updatedAt;
    private Instant startedAt;
    private Instant finishedAt;

    @Column(name = "last_event_sequence")
    private long lastEventSequence;

    /** Global index of the last event applied: the live streams' resume point ({@code Last-Event-ID}). */
    @Column(name = "last_event_index")
    private long lastEventIndex;

    /**
     * A row made by {@link #submitted} is inserted as it is: without this, saving an entity whose id is assigned
     * first selects it to decide between insert and update.
     */
    @Transient
    private boolean inserted = true;

    protected JobRow() {
        // for JPA
    }

    @PostLoad
    @PostPersist
    void stored() {
        inserted = true;
    }

    @Override
    public UUID getId() {
        return id;
    }

    @Override
    public boolean isNew() {
        return !inserted;
    }

    static JobRow submitted(JobSubmitted event, long sequence, long position, Instant at) {
        JobRow row = new JobRow();
        row.inserted = false;
        row.id = event.jobId();
        row.jobType = Storable.text(event.jobType());
        row.status = JobStatus.PENDING;
        row.userId = Storable.text(event.userId());
        row.queue = Storable.text(event.queue());
        row.maxAttempts = event.maxAttempts();
        row.payload = Storable.document(event.payload());
        row.meta = Storable.document(event.meta());
        StoredFile file = event.file();
        if (file != null) {
            row.fileKey = Storable.text(file.key());
            row.fileName = Storable.text(file.name());
            row.fileUrl = Storable.text(file.url());
            row.fileSize = file.size();
            row.fileContentType = Storable.text(file.contentType());
        }
        row.createdAt = at;
        row.updatedAt = at;
        row.lastEventSequence = sequence;
        row.lastEventIndex = position;
        return row;
    }

    /** Whether the event with this sequence number was applied already. */
    boolean hasApplied(long sequence) {
        return sequence <= lastEventSequence;
    }

    void applied(long sequence, long position, Instant at) {
        lastEventSequence = sequence;
        lastEventIndex = position;
        updatedAt = at;
    }

    void started(int attemptNumber, Instant at) {
        status = JobStatus.RUNNING;
        attempt = attemptNumber;
        attempts++;
        errorReason = null;
        processedRows = 0;
        totalRows = null;
        failedRows = 0;
        startedAt = at;
    }

    void logged(long lastLogSequence) {
        logCount = lastLogSequence;
    }

    void progressed(Progress progress) {
        processedRows = progress.processed();
        totalRows = progress.total();
        failedRows = progress.failed();
    }

    void completed(Map<String, Object> handlerResult, Instant at) {
        status = JobStatus.COMPLETED;
        result = Storable.document(handlerResult);
        finishedAt = at;
    }

    void attemptFailed(String reason) {
        status = JobStatus.RETRYING;
        errorReason = Storable.text(reason);
    }

    void failed(String reason, Instant at) {
        status = JobStatus.FAILED;
        errorReason = Storable.text(reason);
        finishedAt = at;
    }

    void cancelled(Instant at) {
        status = JobStatus.CANCELLED;
        finishedAt = at;
    }

    void retried(int newBudget) {
        status = JobStatus.PENDING;
        attempts = 0;
        maxAttempts = newBudget;
        errorReason = null;
        deadLettered = false;
        result = null;
        finishedAt = null;
    }

    void deadLettered(String reason, Instant at) {
        status = JobStatus.FAILED;
        deadLettered = true;
        errorReason = Storable.text(reason);
        finishedAt = at;
    }

    String userId() {
        return userId;
    }

    JobView toView() {
        StoredFile file = fileKey == null
                ? null
                : new StoredFile(fileKey, fileName, fileUrl, fileSize == null ? 0 : fileSize, fileContentType);
        return new JobView(
                id,
                jobType,
                status,
                userId,
                queue,
                attempt,
                attempts,
                maxAttempts,
                errorReason,
                deadLettered,
                file,
                payload,
                result,
                meta,
                new Progress(processedRows, totalRows, failedRows),
                createdAt,
                updatedAt,
                startedAt,
                finishedAt);
    }
}
