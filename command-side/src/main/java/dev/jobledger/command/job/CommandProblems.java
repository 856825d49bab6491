package dev.jobledger.command.job;

import java.net.URI;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps the ledger's refusals to RFC 9457 problems, once for every endpoint. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class CommandProblems {

    static final URI TRANSITION_REFUSED = URI.create("urn:job-ledger:problem:transition-refused");
    static final URI NOT_FOUND = URI.create("urn:job-ledger:problem:job-not-found");
    static final URI IDEMPOTENCY_KEY_REUSED = URI.create("urn:job-ledger:problem:idempotency-key-reused");

    @ExceptionHandler
    ProblemDetail refused(JobTransitionRefused refusal) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, refusal.getMessage());
        problem.setType(TRANSITION_REFUSED);
        problem.setTitle("Status change refused");
        problem.setProperty("jobId", refusal.jobId());
        problem.setProperty("from", refusal.from());
        problem.setProperty("to", refusal.to());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notFound(JobNotFound notFound) {
        return jobNotFound(notFound.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notFound(AggregateNotFoundException notFound) {
        return jobNotFound("Job " + notFound.getAggregateIdentifier() + " was not found");
    }

    private static ProblemDetail jobNotFound(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
        problem.setType(NOT_FOUND);
        problem.setTitle("Job not found");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail reused(IdempotencyKeyReused reused) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, reused.getMessage());
        problem.setType(IDEMPOTENCY_KEY_REUSED);
        problem.setTitle("Idempotency key reused");
        return problem;
    }
}
