package dev.jobledger.app.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.util.List;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
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
     * Jackson's other formats come with libraries (YAML with springdoc, XML and CBOR with the local stack's stand-ins),
     * and Spring MVC would answer them to a client asking for one: the API is JSON, as documented, everywhere. Fewer
     * converters are also fewer asked whether they can write each answer.
     */
    @Bean
    WebMvcConfigurer jsonOnly() {
        return new WebMvcConfigurer() {
            @Override
            public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
                converters.removeIf(converter -> (converter instanceof AbstractJackson2HttpMessageConverter
                                && !(converter instanceof MappingJackson2HttpMessageConverter))
                        || converter.getSupportedMediaTypes().stream()
                                .anyMatch(type -> "xml".equals(type.getSubtype())));
            }
        };
    }
}
