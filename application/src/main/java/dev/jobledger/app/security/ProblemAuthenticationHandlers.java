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
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

/**
 * 400 for a refused URL, 401 and 403 (405 for a method no endpoint at the path has) answered as problem+json, keeping the {@code WWW-Authenticate} header that bearer-token clients read.
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
            // No rule grants a method no endpoint has; saying "permissions" would send the caller after a token.
            Set<HttpMethod> allowed = methodsOfAnotherEndpoint(request);
            if (allowed != null) {
                response.setHeader(
                        HttpHeaders.ALLOW,
                        allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")));
                write(
                        response,
                        HttpStatus.METHOD_NOT_ALLOWED,
                        "No endpoint answers " + request.getMethod() + " " + request.getRequestURI()
                                + "; its methods are " + response.getHeader(HttpHeaders.ALLOW));
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

    /**
     * The methods of the endpoint at the request's path when it has no handler for the request's method, as
     * {@code DispatcherServlet} would find them; null when a handler answers the request (or none is known).
     */
    private Set<HttpMethod> methodsOfAnotherEndpoint(HttpServletRequest request) {
        HandlerMappingIntrospector introspector = endpoints == null ? null : endpoints.getIfAvailable();
        if (introspector == null || introspector.getHandlerMappings() == null) {
            return null;
        }
        for (HandlerMapping mapping : introspector.getHandlerMappings()) {
            try {
                if (mapping.getHandler(request) != null) {
                    return null;
                }
            } catch (HttpRequestMethodNotSupportedException otherMethods) {
                Set<HttpMethod> methods = otherMethods.getSupportedHttpMethods();
                return methods == null || methods.isEmpty() ? null : methods;
            } catch (Exception lookupFailed) {
                return null;
            }
        }
        return null;
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
