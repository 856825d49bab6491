package dev.jobledger.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobledger.testing.LedgerIntegrationTest;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.util.Collection;
import java.util.Enumeration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.servlet.handler.HandlerMappingIntrospector;

/**
 * A denied request is answered from the endpoints' paths and methods alone: its parameters and body are never read
 * (a denied upload would otherwise be parsed, and written to disk, for nothing).
 */
class AnsweringDeniedRequestsTest extends LedgerIntegrationTest {

    @Autowired
    ObjectMapper json;

    @Autowired
    ObjectProvider<HandlerMappingIntrospector> endpoints;

    @Test
    void aMethodThePathDoesNotHaveIsAnsweredWithoutReadingTheRequestsParametersOrBody() throws Exception {
        MockHttpServletRequest post = new MockHttpServletRequest("POST", "/api/jobs/" + UUID.randomUUID());
        post.setContentType("multipart/form-data; boundary=x");
        MockHttpServletResponse response = new MockHttpServletResponse();

        new ProblemAuthenticationHandlers(json, endpoints)
                .accessDenied()
                .handle(new Unreadable(post), response, new AccessDeniedException("denied"));

        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(response.getHeader("Allow")).isEqualTo("GET");
        assertThat(post.getAttributeNames().hasMoreElements())
                .as("attributes left on the request")
                .isFalse();
    }

    @Test
    void aMethodThePathHasIsStillForbidden() throws Exception {
        MockHttpServletRequest get = new MockHttpServletRequest("GET", "/api/admin/read-models/rebuild");
        MockHttpServletResponse response = new MockHttpServletResponse();

        new ProblemAuthenticationHandlers(json, endpoints)
                .accessDenied()
                .handle(new Unreadable(get), response, new AccessDeniedException("denied"));

        assertThat(response.getStatus()).isEqualTo(403);
    }

    /** A request whose parameters and body fail the test when read. */
    private static final class Unreadable extends HttpServletRequestWrapper {

        Unreadable(HttpServletRequest request) {
            super(request);
        }

        private static AssertionError read() {
            return new AssertionError("the denied request's parameters or body were read");
        }

        @Override
        public String getParameter(String name) {
            throw read();
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            throw read();
        }

        @Override
        public Enumeration<String> getParameterNames() {
            throw read();
        }

        @Override
        public String[] getParameterValues(String name) {
            throw read();
        }

        @Override
        public ServletInputStream getInputStream() {
            throw read();
        }

        @Override
        public BufferedReader getReader() {
            throw read();
        }

        @Override
        public Collection<Part> getParts() {
            throw read();
        }

        @Override
        public Part getPart(String name) {
            throw read();
        }
    }
}
