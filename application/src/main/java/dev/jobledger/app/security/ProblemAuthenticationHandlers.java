package dev.jobledger.app.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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

/**
 * 400 for a refused URL, 401 and 403 answered as problem+json, keeping the {@code WWW-Authenticate} header that bearer-token clients read.
 */
final class ProblemAuthenticationHandlers {

    private final ObjectMapper json;
    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

    ProblemAuthenticationHandlers(ObjectMapper json) {
        this.json = json;
    }

    AuthenticationEntryPoint entryPoint() {
        return (request, response, failure) -> {
            bearerEntryPoint.commence(request, response, failure);
            write(response, HttpStatus.UNAUTHORIZED, detail(failure));
        };
    }

    AccessDeniedHandler accessDenied() {
        return (request, response, denied) -> {
            if (!(denied instanceof CsrfException)) {
                bearerDenied.handle(request, response, denied);
            }
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
