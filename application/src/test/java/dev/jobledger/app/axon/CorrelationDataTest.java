package dev.jobledger.app.axon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.junit.jupiter.api.Test;

/** What messages made while handling another carry from it. */
class CorrelationDataTest {

    private final CorrelationDataProvider provider = new AxonConfiguration().messageOriginProvider();

    @Test
    void whatACommandCausesCarriesTheCommandsIdAndTrace() {
        GenericCommandMessage<String> command =
                new GenericCommandMessage<>("start", MetaData.with("traceId", "trace-1"));

        assertThat(provider.correlationDataFor(command))
                .isEqualTo(Map.of("correlationId", command.getIdentifier(), "traceId", "trace-1"));
    }

    @Test
    void whatAnEventCausesCarriesTheEventsIdWithoutReadingItsMetadata() {
        GenericEventMessage<String> event = new GenericEventMessage<>("started") {
            @Override
            public MetaData getMetaData() {
                throw new AssertionError("a stored event's metadata would be deserialised for this");
            }
        };

        assertThat(provider.correlationDataFor(event)).isEqualTo(Map.of("correlationId", event.getIdentifier()));
    }
}
