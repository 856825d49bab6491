package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

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
        return (request, response, refused) -> write(
                response,
                HttpStatus.BAD_REQUEST,
                "The request's URL was refused: it must not contain an empty path segment (//), an encoded slash, a"
                        + " backslash, a semicolon, '..' or control characters");
    }

    /** No endpoint at the path ({@code allowed} empty), or none for the request's method (the path's methods). */
    private record Missing(Set<HttpMethod> allowed) {}

    /**
     * What {@code DispatcherServlet} would find for the request: null when an endpoint answers it (or nothing is
     * known). Only the static resources' catch-all pattern matching it counts as no endpoint: the service's own
     * resources are open to anyone and never denied.
     */
    private Missing missingEndpoint(HttpServletRequest request) {
        HandlerMappingIntrospector introspector = endpoints == null ? null : endpoints.getIfAvailable();
        if (introspector == null || introspector.getHandlerMappings() == null) {
            return null;
        }
        for (HandlerMapping mapping : introspector.getHandlerMappings()) {
            try {
                HandlerExecutionChain found = mapping.getHandler(request);
                if (found != null) {
                    return found.getHandler() instanceof ResourceHttpRequestHandler ? new Missing(Set.of()) : null;
                }
            } catch (HttpRequestMethodNotSupportedException otherMethods) {
                Set<HttpMethod> methods = otherMethods.getSupportedHttpMethods();
                return methods == null || methods.isEmpty() ? null : new Missing(methods);
            } catch (Exception lookupFailed) {
                return null;
            }
        }
        return new Missing(Set.of());
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
