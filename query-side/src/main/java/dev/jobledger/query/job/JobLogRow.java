package dev.jobledger.query.job;

import dev.jobledger.messages.JobLogLine;
import dev.jobledger.messages.LogLevel;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One row of the {@code job_log} read table, read through JPA. Rows are written by {@link JobLogProjection} in
 * batches and never change.
 */
@Entity
@Immutable
@Table(name = "job_log")
@IdClass(JobLogRow.Key.class)
class JobLogRow {

    @Id
    private UUID jobId;

    @Id
    private long sequence;

    private int attempt;

    @Enumerated(EnumType.STRING)
    private LogLevel level;

    private String message;
    private Long rowNumber;

    @JdbcTypeCode(SqlTypes.JSON)
    private Map<String, Object> meta;

    private Instant createdAt;

    protected JobLogRow() {
        // for JPA
    }

    JobLogLine toLine() {
        return new JobLogLine(sequence, attempt, level, message, rowNumber, meta, createdAt);
    }

    record Key(UUID jobId, long sequence) implements Serializable {
        Key() {
            this(null, 0);
        }
    }
}
