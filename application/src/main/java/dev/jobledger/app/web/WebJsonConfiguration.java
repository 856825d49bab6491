package dev.jobledger.app.web;

import com.fasterxml.jackson.core.StreamReadConstraints;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** JSON reading limits of the web layer, tighter than Jackson's defaults. */
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
                        StreamReadConstraints.builder().maxNestingDepth(64).build()));
    }
}
