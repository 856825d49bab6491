package dev.jobledger.app.axon;

import java.lang.ref.WeakReference;
import java.util.function.Supplier;
import org.axonframework.serialization.LazyDeserializingObject;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;

/**
 * A stored event's payload that is deserialised when asked for and kept only while someone holds it. Axon's own keeps
 * the first deserialised copy for as long as the message lives, and the event store's cache of the latest events
 * lives long: it then held a log call's lines as tens of thousands of objects for each cached event, its weight set by
 * what happened to be logged rather than by the number of events it was given. With this, the cache holds what the
 * supplier holds (the stored bytes, or for a large payload nothing: it reads them again); processors that read an
 * event while another still handles it share one copy, and one that comes later deserialises its own.
 */
final class PayloadKeptWhileUsed<T> extends LazyDeserializingObject<T> {

    private static final WeakReference<Object> NONE = new WeakReference<>(null);

    @SuppressWarnings("unchecked")
    private volatile WeakReference<T> held = (WeakReference<T>) NONE;

    PayloadKeptWhileUsed(Supplier<SerializedObject<?>> serialized, SerializedType type, Serializer serializer) {
        super(serialized, type, serializer);
    }

    @Override
    public T getObject() {
        T payload = held.get();
        if (payload == null) {
            payload = getSerializer().deserialize(getSerializedObject());
            held = new WeakReference<>(payload);
        }
        return payload;
    }

    @Override
    public boolean isDeserialized() {
        return held.get() != null;
    }
}
