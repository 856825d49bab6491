package dev.jobledger.lambda;

import java.util.List;

/**
 * The function's answer to the event source mapping ({@code ReportBatchItemFailures}): the message ids of the records
 * that must come back, as {@code {"batchItemFailures":[{"itemIdentifier":"..."}]}}. The others are deleted.
 */
record BatchResponse(List<ItemFailure> batchItemFailures) {

    record ItemFailure(String itemIdentifier) {}
}
