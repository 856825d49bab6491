package dev.jobledger.query.job;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface JobRows extends JpaRepository<JobRow, UUID>, JpaSpecificationExecutor<JobRow> {}
