package dev.jobledger.command.web;

import static dev.jobledger.messages.Delivery.MESSAGE_ID_HEADER;
import static dev.jobledger.messages.Delivery.REQUEST_ID_HEADER;
import static dev.jobledger.messages.Delivery.TICKET_HEADER;

import dev.jobledger.messages.Delivery;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The headers of a worker's single-record call: the delivery its report is about (two optional headers, a {@link
 * Delivery} parameter) and the attempt ticket (a {@link Ticket} parameter). This says once, for every endpoint, how they
 * are read, how long they may be and how the OpenAPI description shows them. Whether a ticket admits the call is
 * {@link TicketCheck}'s.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryHeaders implements WebMvcConfigurer {

    /** SQS message ids and Lambda request ids are far shorter; a longer one is not one of them. */
    static final int MAX_LENGTH = 255;

    /** The ticket header as sent, {@code null} when absent: a missing ticket is refused like a wrong one, with 403. */
    record Ticket(String value) {}

    static {
        // Not query parameter objects, as springdoc would take them: the customizer below documents the headers.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Delivery.class, Ticket.class);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new FromHeaders());
    }

    @Bean
    OperationCustomizer deliveryHeadersDescribed() {
        return (operation, handler) -> {
            if (Arrays.stream(handler.getMethodParameters())
                    .anyMatch(parameter -> FromHeaders.reads(parameter, Ticket.class))) {
                operation.addParametersItem(header(
                                TICKET_HEADER,
                                "The attempt ticket of the SQS message the worker runs (its `ticket` field), or the"
                                        + " one the start's PROCEED answer handed out. A call whose ticket does not"
                                        + " admit the job and the `attempt` it names is refused with 403, and changes"
                                        + " nothing.")
                        .required(true));
            }
            if (Arrays.stream(handler.getMethodParameters())
                    .anyMatch(parameter -> FromHeaders.reads(parameter, Delivery.class))) {
                operation.addParametersItem(header(
                        MESSAGE_ID_HEADER,
                        "The SQS message id of the delivery the reporting attempt works on, kept on the job's"
                                + " history"));
                operation.addParametersItem(header(
                        REQUEST_ID_HEADER, "The Lambda request id of the invocation, kept on the job's history"));
            }
            return operation;
        };
    }

    private static Parameter header(String name, String description) {
        return new HeaderParameter()
                .name(name)
                .required(false)
                .description(description)
                .schema(new StringSchema().maxLength(MAX_LENGTH));
    }

    private static final class FromHeaders implements HandlerMethodArgumentResolver {

        static boolean reads(MethodParameter parameter, Class<?> type) {
            return parameter.getParameterType() == type && !parameter.hasParameterAnnotations();
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return reads(parameter, Delivery.class) || reads(parameter, Ticket.class);
        }

        @Override
        public Object resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer container,
                NativeWebRequest request,
                WebDataBinderFactory binders) {
            if (parameter.getParameterType() == Ticket.class) {
                return new Ticket(request.getHeader(TICKET_HEADER));
            }
            return new Delivery(header(request, MESSAGE_ID_HEADER), header(request, REQUEST_ID_HEADER));
        }

        private static String header(NativeWebRequest request, String name) {
            String value = request.getHeader(name);
            if (value != null && value.length() > MAX_LENGTH) {
                throw JsonDocuments.problem(
                        HttpStatus.BAD_REQUEST, name + " must be at most " + MAX_LENGTH + " characters long");
            }
            return value;
        }
    }
}
