package dev.jobledger.command.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How much a request may ask the ledger to keep. Everything accepted is stored in the event store for good and
 * copied into the read models, so the limits are checked before any command is sent.
 *
 * @param maxDocumentSize the largest JSON document (a job's payload, a result, one log line's meta), as compact UTF-8
 *     JSON; larger is answered 413
 * @param maxDocumentDepth how deeply a document's objects and arrays may nest; deeper is answered 400
 * @param maxRequestBody the largest JSON request body (a log batch of many lines is the largest legitimate one);
 *     larger is answered 413 before it is read. Multipart uploads have their own limit.
 */
@ConfigurationProperties("jobledger.limits")
public record InputLimits(
        @DefaultValue("256KB") DataSize maxDocumentSize,
        @DefaultValue("32") int maxDocumentDepth,
        @DefaultValue("4MB") DataSize maxRequestBody) {}
