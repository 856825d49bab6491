package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.app.web.ContainerProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.UrlPathHelper;

/**
 * 400 for a refused URL, 401 and 403 (404 and 405 where no endpoint answers the request) answered as problem+json, keeping the {@code WWW-Authenticate} header that bearer-token clients read.
 */
final class ProblemAuthenticationHandlers {

    private final ObjectMapper json;
    private final ObjectProvider<HandlerMappingIntrospector> endpoints;
    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

    /** Without the handler mappings: every denial is a 403. */
    ProblemAuthenticationHandlers(ObjectMapper json) {
        this(json, null);
    }

    ProblemAuthenticationHandlers(ObjectMapper json, ObjectProvider<HandlerMappingIntrospector> endpoints) {
        this.json = json;
        this.endpoints = endpoints;
    }

    AuthenticationEntryPoint entryPoint() {
        return (request, response, failure) -> {
            bearerEntryPoint.commence(request, response, failure);
            write(response, HttpStatus.UNAUTHORIZED, detail(failure));
        };
    }

    AccessDeniedHandler accessDenied() {
        return (request, response, denied) -> {
            if (denied instanceof CsrfException) {
                write(response, HttpStatus.FORBIDDEN, detail(denied));
                return;
            }
            // No rule grants what no endpoint answers; saying "permissions" would send the caller after a token.
            Missing missing = missingEndpoint(request);
            if (missing != null) {
                String what = "No endpoint answers " + request.getMethod() + " " + request.getRequestURI();
                if (missing.allowed().isEmpty()) {
                    write(response, HttpStatus.NOT_FOUND, what);
                } else {
                    String allowed = missing.allowed().stream()
                            .map(HttpMethod::name)
                            .sorted()
                            .collect(Collectors.joining(", "));
                    response.setHeader(HttpHeaders.ALLOW, allowed);
                    write(response, HttpStatus.METHOD_NOT_ALLOWED, what + "; its methods are " + allowed);
                }
                return;
            }
            bearerDenied.handle(request, response, denied);
            write(response, HttpStatus.FORBIDDEN, detail(denied));
        };
    }

    RequestRejectedHandler refusedUrl() {
        return (request, response, refused) -> write(response, HttpStatus.BAD_REQUEST, ContainerProblems.REFUSED_URL);
    }

    /** No endpoint at the path ({@code allowed} empty), or none for the request's method (the path's methods). */
    private record Missing(Set<HttpMethod> allowed) {}

    /**
     * Whether an endpoint of the service answers the request's path and method: null when one does (or nothing is
     * known), else what is missing. Only the endpoints' paths and methods are compared: asking a handler mapping
     * for the request's handler would read its parameters, and so the body of a denied form or upload.
     */
    private Missing missingEndpoint(HttpServletRequest request) {
        HandlerMappingIntrospector introspector = endpoints == null ? null : endpoints.getIfAvailable();
        if (introspector == null || introspector.getHandlerMappings() == null) {
            return null;
        }
        boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
        boolean resolved = request.getAttribute(UrlPathHelper.PATH_ATTRIBUTE) != null;
        try {
            if (!parsed) {
                ServletRequestPathUtils.parseAndCache(request);
            }
            if (!resolved) {
                UrlPathHelper.defaultInstance.resolveAndCacheLookupPath(request);
            }
            Set<HttpMethod> methods = new HashSet<>();
            for (HandlerMapping mapping : introspector.getHandlerMappings()) {
                if (mapping instanceof RequestMappingInfoHandlerMapping endpointsOfMapping) {
                    for (RequestMappingInfo endpoint :
                            endpointsOfMapping.getHandlerMethods().keySet()) {
                        if (endpoint.getActivePatternsCondition().getMatchingCondition(request) != null) {
                            Set<RequestMethod> declared =
                                    endpoint.getMethodsCondition().getMethods();
                            if (declared.isEmpty()) {
                                return null;
                            }
                            declared.forEach(method -> methods.add(method.asHttpMethod()));
                        }
                    }
                }
            }
            HttpMethod asked = HttpMethod.valueOf(request.getMethod());
            boolean answered = methods.contains(asked)
                    || (asked.equals(HttpMethod.HEAD) && methods.contains(HttpMethod.GET))
                    || asked.equals(HttpMethod.OPTIONS);
            return answered ? null : new Missing(methods);
        } catch (RuntimeException lookupFailed) {
            return null;
        } finally {
            if (!parsed) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            }
            if (!resolved) {
                request.removeAttribute(UrlPathHelper.PATH_ATTRIBUTE);
            }
        }
    }

    private static String detail(AuthenticationException failure) {
        return failure.getMessage() == null || failure.getMessage().startsWith("Full authentication")
                ? "A valid bearer token is required"
                : "The bearer token was refused: " + failure.getMessage();
    }

    private static String detail(AccessDeniedException denied) {
        if (denied instanceof CsrfException) {
            return "A request signed in by the dashboard's session must carry the session's CSRF token (header "
                    + "X-CSRF-TOKEN, as the dashboard's pages send it); reload the page";
        }
        return "The token's permissions do not allow this request";
    }

    private void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
