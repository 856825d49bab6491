package dev.jobledger.query.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Text as PostgreSQL can store it. The service refuses NUL characters and unpaired surrogates where they enter, but
 * the event store may hold events written before it did, or by another writer; a projection that cannot store an
 * event stops for everyone, on every rebuild. The read model shows such characters as U+FFFD; the event store, and so
 * the audited history, keeps them as they were.
 */
final class Storable {

    /** A NUL, or a surrogate that is not half of a pair (a pair is one code point, never in {@code Cs}). */
    private static final Pattern UNSTORABLE = Pattern.compile("[\\x00\\p{Cs}]");

    private Storable() {}

    /** The text with U+FFFD for what PostgreSQL refuses; the same instance when it was storable already. */
    static String text(String value) {
        if (value == null) {
            return null;
        }
        // Most text has neither: a matcher for every text was a sixth of the log projection's work on a CSV import.
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                return UNSTORABLE.matcher(value).replaceAll("\uFFFD");
            }
        }
        return value;
    }

    /** A JSON document with every key and string value storable; the same instance when it already was. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> document(Map<String, Object> document) {
        return document == null ? null : (Map<String, Object>) value(document);
    }

    private static Object value(Object value) {
        if (value instanceof String text) {
            return text(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> storable = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = text(String.valueOf(entry.getKey()));
                Object item = value(entry.getValue());
                changed |= !key.equals(entry.getKey()) || item != entry.getValue();
                storable.put(key, item);
            }
            return changed ? storable : map;
        }
        if (value instanceof List<?> list) {
            List<Object> storable = new ArrayList<>(list.size());
            boolean changed = false;
            for (Object item : list) {
                Object storableItem = value(item);
                changed |= storableItem != item;
                storable.add(storableItem);
            }
            return changed ? storable : list;
        }
        return value;
    }
}
