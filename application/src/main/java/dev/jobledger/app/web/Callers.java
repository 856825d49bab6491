package dev.jobledger.app.web;

import dev.jobledger.messages.Caller;
import java.util.List;
import java.util.stream.Collectors;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Turns the authenticated request into the contract's {@link Caller}, once for every controller: the command and
 * query sides take a {@code Caller} parameter and never see Spring Security's {@link Authentication}, so what a token
 * makes of its holder is said in one place ({@link Caller}) on both sides.
 */
@Configuration(proxyBeanMethods = false)
public class Callers implements WebMvcConfigurer {

    static {
        // Resolved from the token, not sent as a parameter: the OpenAPI description must not ask a client for it.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    /** The caller an authenticated request was made by, for code that holds the {@link Authentication} itself. */
    public static Caller of(Authentication authentication) {
        return new Caller(
                authentication.getName(),
                authentication.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .collect(Collectors.toSet()));
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new FromAuthentication());
    }

    private static final class FromAuthentication implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return parameter.getParameterType() == Caller.class;
        }

        @Override
        public Caller resolveArgument(
                MethodParameter parameter,
                ModelAndViewContainer container,
                NativeWebRequest request,
                WebDataBinderFactory binders) {
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            // The access table lets no anonymous request reach an endpoint that asks who is calling.
            if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
                throw new IllegalStateException(parameter.getExecutable() + " asks for the caller of a request that"
                        + " is not authenticated; the access table must require a permission for it");
            }
            return of(authentication);
        }
    }
}
