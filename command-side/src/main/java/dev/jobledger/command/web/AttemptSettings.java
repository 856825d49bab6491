package dev.jobledger.command.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the ledger treats running attempts.
 *
 * @param lease how long a running attempt may stay quiet (no start, log, progress or end reported) before a new
 *     delivery of its job may take over. Longer than the function's timeout, so that only a worker that is surely
 *     gone is replaced (a Lambda function runs at most 15 minutes), and shorter than the queue's visibility timeout,
 *     so that the message that comes back finds the lease expired; a redelivery within the lease is skipped and
 *     deleted. The Terraform sets twice the function timeout.
 */
@ConfigurationProperties("jobledger.attempts")
public record AttemptSettings(@DefaultValue("16m") Duration lease) {}
