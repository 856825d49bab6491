package dev.jobledger.command.web;

import static dev.jobledger.messages.Delivery.TICKET_HEADER;

import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The attempt ticket a single-record call of the worker bridge carries in its {@value
 * dev.jobledger.messages.Delivery#TICKET_HEADER} header: an endpoint takes a {@link Presented} parameter, and this says
 * once how it is read and how the OpenAPI description shows it. Whether it admits the call is {@link TicketCheck}'s.
 */
@Configuration(proxyBeanMethods = false)
class TicketHeader implements WebMvcConfigurer {

    /** The header as sent, {@code null} when absent: a missing ticket is refused like a wrong one, with 403. */
    record Presented(String value) {}

    static {
        // Not a query parameter object, as springdoc would take it: the customizer below documents the header.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Presented.class);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new FromHeader());
    }

    @Bean
    OperationCustomizer ticketHeaderDescribed() {
        return (operation, handler) -> {
            if (Arrays.stream(handler.getMethodParameters()).anyMatch(FromHeader::reads)) {
                operation.addParametersItem(new HeaderParameter()
                        .name(TICKET_HEADER)
                        .required(true)
                        .description("The attempt ticket of the SQS message the worker runs (its `ticket` field), or"
                                + " the one the start's PROCEED answer handed out. A call whose ticket does not admit"
                                + " the job and the `attempt` it names is refused with 403, and changes nothing.")
                        .schema(new StringSchema().maxLength(DeliveryHeaders.MAX_LENGTH)));
            }
            return operation;
        };
    }

    private static final class FromHeader implements HandlerMethodArgumentResolver {

        static boolean reads(MethodParameter parameter) {
            return parameter.getParameterType() == Presented.class && !parameter.hasParameterAnnotations();
        }

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return reads(parameter);
        }

        @Override
        public Presented resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer container,
                NativeWebRequest request,
                WebDataBinderFactory binders) {
            return new Presented(request.getHeader(TICKET_HEADER));
        }
    }
}
