package dev.jobledger.app.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.PathPatternRequestMatcherBuilderFactoryBean;

/**
 * The access rules' path patterns are matched as Spring MVC parses its own mappings, with {@code PathPattern}s made
 * once, instead of asking MVC's handler mappings for every rule of every request (the default until Spring Security
 * 7): that introspection was most of the cost of authorising a request in a profile of the ledger benchmark.
 */
@Configuration(proxyBeanMethods = false)
class RequestMatching {

    @Bean
    static PathPatternRequestMatcherBuilderFactoryBean pathPatternRequestMatchers() {
        return new PathPatternRequestMatcherBuilderFactoryBean();
    }
}
