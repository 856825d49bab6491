package dev.jobledger.query.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text as PostgreSQL can store it. The service refuses NUL characters and unpaired surrogates where they enter, but
 * the event store may hold events written before it did, or by another writer; a projection that cannot store an
 * event stops for everyone, on every rebuild. The read model shows such characters as U+FFFD; the event store, and so
 * the audited history, keeps them as they were.
 */
final class Storable {

    private static final char REPLACEMENT = '\uFFFD';

    private Storable() {}

    static String text(String value) {
        if (value == null || isStorable(value)) {
            return value;
        }
        StringBuilder storable = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                storable.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                storable.append(c).append(value.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                storable.append(REPLACEMENT);
            } else {
                storable.append(c);
            }
        }
        return storable.toString();
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

    private static boolean isStorable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
