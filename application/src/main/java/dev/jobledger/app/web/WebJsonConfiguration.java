package dev.jobledger.app.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.List;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The web layer speaks JSON only, with reading limits tighter than Jackson's defaults. */
@Configuration(proxyBeanMethods = false)
class WebJsonConfiguration {

    /**
     * Request bodies nest a document (at most {@code jobledger.limits.max-document-depth} levels, 32) in a request
     * object or two; Jackson's default of 1,000 levels would let a small body cost deep recursion in every
     * serializer that later walks it.
     */
    @Bean
    Jackson2ObjectMapperBuilderCustomizer readingLimits() {
        return builder -> builder.postConfigurer(mapper -> mapper.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build())
                // A name given twice is read one way here and another way by the next parser (I-JSON, RFC 7493,
                // forbids it): what the ledger keeps for good must mean one thing.
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    }

    /**
     * The local stack's stand-ins bring Jackson's XML module onto the classpath, and Spring MVC would then answer XML
     * to a client asking for it, locally only: the service's own jar has no XML. Fewer converters are also fewer
     * asked whether they can write each answer.
     */
    @Bean
    WebMvcConfigurer jsonOnly() {
        return new WebMvcConfigurer() {
            @Override
            public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
                converters.removeIf(converter ->
                        converter.getSupportedMediaTypes().stream().anyMatch(type -> "xml".equals(type.getSubtype())));
            }
        };
    }
}
