package dev.jobledger.lambda.spi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a successful attempt produced: a JSON object stored as the job's result.
 *
 * @param result the result, JSON-serialisable values only (strings, numbers, booleans, lists, maps, null)
 */
public record HandlerResult(Map<String, Object> result) {

    public HandlerResult {
        result = result == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }

    public static HandlerResult of(Map<String, Object> result) {
        return new HandlerResult(result);
    }

    public static HandlerResult empty() {
        return new HandlerResult(Map.of());
    }
}
