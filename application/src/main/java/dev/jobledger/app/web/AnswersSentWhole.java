package dev.jobledger.app.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets Tomcat send the API's answers whole, with their Content-Length, in one write. Spring flushes after writing a
 * body (its message converters flush the stream, spring-framework#35427, and a {@code ResponseEntity} is flushed once
 * more), which commits the response before the handler is done: the headers and the body left as a chunked transfer
 * in two writes, the flushes a twentieth of the request threads' CPU under load. An answer of a handler that returns
 * is complete when it returns, so until then the flushes of its stream wait for the end of the request. Asynchronous
 * answers, the ones that stream (live streams, downloads), flush as they ask; a body larger than Tomcat's buffer leaves
 * as it is written either way. Pages written through a {@code Writer} flush it as before.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AnswersSentWhole extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new FlushedWhenStreaming(request, response));
    }

    private static final class FlushedWhenStreaming extends HttpServletResponseWrapper {
        private final HttpServletRequest request;
        private ServletOutputStream stream;

        FlushedWhenStreaming(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            this.request = request;
        }

        private boolean streaming() {
            return request.isAsyncStarted();
        }

        @Override
        public void flushBuffer() throws IOException {
            if (streaming()) {
                super.flushBuffer();
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                stream = new Stream(super.getOutputStream());
            }
            return stream;
        }

        private final class Stream extends ServletOutputStream {
            private final ServletOutputStream servlet;

            Stream(ServletOutputStream servlet) {
                this.servlet = servlet;
            }

            @Override
            public void write(int b) throws IOException {
                servlet.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                servlet.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                if (streaming()) {
                    servlet.flush();
                }
            }

            @Override
            public void close() throws IOException {
                servlet.close();
            }

            @Override
            public boolean isReady() {
                return servlet.isReady();
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                servlet.setWriteListener(listener);
            }
        }
    }
}
