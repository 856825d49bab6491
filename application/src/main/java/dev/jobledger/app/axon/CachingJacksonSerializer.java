package dev.jobledger.app.axon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.UnknownSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * Axon's Jackson serializer, remembering the class of each stored type name and a reader per class. Axon's looks the
 * class up by name ({@code Class.forName} through Jackson's type factory) and makes a new {@link ObjectReader} for
 * every message it deserialises: every event of every processor and every event an aggregate load replays.
 */
final class CachingJacksonSerializer extends JacksonSerializer {

    private final Map<SerializedType, Class<?>> classes = new ConcurrentHashMap<>();
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    CachingJacksonSerializer(ObjectMapper mapper) {
        super(JacksonSerializer.builder().objectMapper(mapper));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
        Class<?> known = classes.get(type);
        if (known != null) {
            return known;
        }
        Class<?> found = super.classForType(type);
        // An unknown type may become known (a class deployed later): only found classes are kept.
        if (found != UnknownSerializedType.class) {
            classes.put(type, found);
        }
        return found;
    }

    @Override
    protected ObjectReader getReader(Class<?> type) {
        return readers.computeIfAbsent(type, super::getReader);
    }
}
