package dev.jobledger.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat refuses some URLs itself, before any filter of the service runs: an encoded slash ({@code %2F}) or backslash,
 * a NUL, a malformed escape, a character that must be encoded ({@code |}, <code>{</code>). Its own error page for them
 * is HTML; this valve, in the place of Tomcat's, answers them as problem+json like every other refusal. Errors the service answers itself have their body written already and
 * pass through untouched.
 */
@Configuration(proxyBeanMethods = false)
public class ContainerProblems {

    /**
     * What a refused URL is told, whether Tomcat refused it or Spring Security's firewall did after it: one list, so
     * that a client learns every rule at the first refusal.
     */
    public static final String REFUSED_URL = "The request's URL was refused: it must not contain an empty path segment"
            + " (//), a semicolon, '..', an encoded slash (%2F) or backslash, a NUL or another control character, a"
            + " malformed %-escape, or a character that must be %-encoded";

    /** Runs after Spring Boot's own customizer, which puts a plain ErrorReportValve on the host. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemsForContainerErrors(ObjectMapper json) {
        return factory -> factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemValve(json));
            // An empty class name stops the host from adding its HTML valve again when it starts.
            ((StandardHost) host).setErrorReportValveClass("");
        });
    }

    /**
     * Tomcat gives a refused URL a message ("Invalid URI: ..."), a request line or header it cannot parse an
     * exception saying which (the client's own text), a missing or repeated Host header nothing.
     */
    static String detail(Response response, Throwable throwable) {
        String message = response.getMessage();
        if ((message != null && message.startsWith("Invalid URI"))
                || (throwable != null
                        && throwable.getMessage() != null
                        && throwable.getMessage().contains("request target"))) {
            return REFUSED_URL;
        }
        if (throwable instanceof IllegalArgumentException && throwable.getMessage() != null) {
            return "The request was refused before it reached the service: " + throwable.getMessage();
        }
        return switch (response.getStatus()) {
            case 400 ->
                "The request was refused before it reached the service: its request line or headers are"
                        + " malformed (a Host header missing or given twice, say)";
            case 505 -> "The request's HTTP version is not served: send HTTP/1.1";
            default -> "The request was refused before it reached the service";
        };
    }

    static final class ProblemValve extends ErrorReportValve {

        private final ObjectMapper json;

        ProblemValve(ObjectMapper json) {
            this.json = json;
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(true);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail(response, throwable));
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(json.writeValueAsString(problem));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException connectionGone) {
                // The client is gone or the answer started: nothing more can be said to it.
            }
        }
    }
}
