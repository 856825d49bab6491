package dev.jobledger.lambda;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * An SQS event as Lambda's event source mapping delivers it, read by the function itself (the Lambda runtime's own
 * event serializer needs Joda-Time, which the jar does not carry). Only what the function uses is read; the other
 * fields ({@code receiptHandle}, {@code attributes}, {@code md5OfBody}, {@code awsRegion}, ...) and any Lambda adds
 * later are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record SqsEvent(@JsonProperty("Records") List<SqsMessage> records) {

    /** A record of the event; {@code eventSourceARN} is the ARN of the queue it came from. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record SqsMessage(
            String messageId,
            String body,
            Map<String, MessageAttribute> messageAttributes,
            @JsonProperty("eventSourceARN") String eventSourceArn) {}

    /** A message attribute: {@code binaryValue} comes base64-encoded and is read as its bytes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MessageAttribute(String dataType, String stringValue, byte[] binaryValue) {}
}
