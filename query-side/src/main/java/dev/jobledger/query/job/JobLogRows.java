package dev.jobledger.query.job;

import dev.jobledger.messages.LogLevel;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

interface JobLogRows extends JpaRepository<JobLogRow, JobLogRow.Key> {

    Page<JobLogRow> findByJobIdOrderBySequence(UUID jobId, Pageable page);

    Page<JobLogRow> findByJobIdAndLevelOrderBySequence(UUID jobId, LogLevel level, Pageable page);
}
