package dev.jobledger.query.job;

import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.JobView;
import dev.jobledger.messages.Progress;
import dev.jobledger.messages.StoredFile;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One row of the {@code job} read table, as the queries read it. Only {@link JobProjection} writes the table, with one
 * statement per event; read here, a row is never written back, so Hibernate keeps no copy of it to compare.
 */
@Entity
@Immutable
@Table(name = "job")
class JobRow {

    @Id
    private UUID id;

    private String jobType;

    @Enumerated(EnumType.STRING)
    private JobStatus status;

    private String userId;

    private String queue;

    private int attempt;
    private int attempts;
    private int maxAttempts;
    private String errorReason;
    private boolean deadLettered;

    private String fileKey;

    private String fileName;

    private String fileUrl;

    private Long fileSize;

    private String fileContentType;

    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, Object> payload;

    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, Object> result;

    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, Object> meta;

    private long processedRows;
    private Long totalRows;
    private long failedRows;
    private long logCount;

    private Instant createdAt;

    private Instant updatedAt;
    private Instant startedAt;
    private Instant finishedAt;

    @Column(name = "last_event_sequence")
    private long lastEventSequence;

    /** Global index of the last event applied: the live streams' resume point ({@code Last-Event-ID}). */
    @Column(name = "last_event_index")
    private long lastEventIndex;

    protected JobRow() {
        // for JPA
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
