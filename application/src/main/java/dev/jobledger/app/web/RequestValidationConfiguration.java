package dev.jobledger.app.web;

import jakarta.validation.Path;
import jakarta.validation.TraversableResolver;
import java.lang.annotation.ElementType;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.springframework.boot.autoconfigure.validation.ValidationConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bean validation of request bodies without asking JPA first. With JPA present, Hibernate Validator asks the
 * persistence provider, for every property of every object it validates, whether it is loaded and so may be read.
 * What is validated here are request records, never entities (entity validation at flush is off): the answer is
 * always yes, and asking was a third of the validation of a function's log call of 500 lines.
 */
@Configuration(proxyBeanMethods = false)
class RequestValidationConfiguration {

    @Bean
    ValidationConfigurationCustomizer everyPropertyIsReachable() {
        return configuration -> {
            configuration.traversableResolver(new EveryPropertyIsReachable());
            if (configuration instanceof HibernateValidatorConfiguration hibernate) {
                hibernate.enableTraversableResolverResultCache(false); // nothing to cache: the answer is constant
            }
        };
    }

    private static final class EveryPropertyIsReachable implements TraversableResolver {

        @Override
        public boolean isReachable(
                Object traversableObject,
                Path.Node traversableProperty,
                Class<?> rootBeanType,
                Path pathToTraversableObject,
                ElementType elementType) {
            return true;
        }

        @Override
        public boolean isCascadable(
                Object traversableObject,
                Path.Node traversableProperty,
                Class<?> rootBeanType,
                Path pathToTraversableObject,
                ElementType elementType) {
            return true;
        }
    }
}
