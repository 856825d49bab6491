package dev.jobledger.query.job;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface JobRows extends JpaRepository<JobRow, UUID> {

    @Query("select j.id from JobRow j where j.deadLettered = true and j.status = 'FAILED' order by j.updatedAt")
    List<UUID> findDeadLettered(Limit limit);

    @Query("""
            select j.id from JobRow j
            where (j.status in ('PENDING', 'RETRYING') and j.updatedAt < :waitingSince)
               or (j.status = 'RUNNING' and j.updatedAt < :runningSince)
            order by j.updatedAt""")
    List<UUID> findStalled(Instant waitingSince, Instant runningSince, Limit limit);
}
