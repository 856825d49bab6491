package dev.jobledger.app.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every request error as an RFC 9457 problem with a detail a client can act on; unexpected failures as a bare 500
 * problem, logged here and never shown with a stack trace.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class RequestProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestProblems.class);

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodyLimit.BodyTooLarge tooLarge) {
                return problem(
                        ex, HttpStatus.PAYLOAD_TOO_LARGE, headers, request, RequestBodyLimit.tooLarge(tooLarge.limit));
            }
        }
        return problem(ex, status, headers, request, unreadable(ex));
    }

    /**
     * Jackson's own exception says which field; the cause it wraps (a {@code DateTimeParseException}, say) does not,
     * so the chain is read from the outside in.
     */
    private static String unreadable(HttpMessageNotReadableException ex) {
        Throwable deepest = ex.getMostSpecificCause();
        if (deepest instanceof StreamConstraintsException limit) {
            // Jackson names the Java method that sets the limit; a client needs only the limit.
            return "The request body is beyond a limit of the JSON reader: "
                    + limit.getOriginalMessage().replaceAll(", from `[^`]*`", "");
        }
        if (deepest instanceof JsonParseException syntax) {
            return "The request body is not valid JSON: " + syntax.getOriginalMessage();
        }
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                return "Unknown field '" + unknown.getPropertyName() + "'; known fields are "
                        + unknown.getKnownPropertyIds();
            }
            if (cause instanceof InvalidFormatException invalid) {
                return "Field '" + path(invalid) + "' has an invalid value: " + invalid.getValue();
            }
            if (cause instanceof MismatchedInputException mismatched
                    && !mismatched.getPath().isEmpty()) {
                return "Field '" + path(mismatched) + "' has the wrong type";
            }
            if (cause instanceof JsonMappingException mapping
                    && !mapping.getPath().isEmpty()) {
                return "Field '" + path(mapping) + "' has an invalid value";
            }
        }
        return "The request body is not valid JSON of the expected shape";
    }

    private static String path(JsonMappingException ex) {
        return ex.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    /** Spring's own detail speaks of a "static resource", which a client of an API did not ask for. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String path = request instanceof ServletWebRequest servlet
                ? servlet.getRequest().getRequestURI()
                : "/" + ex.getResourcePath();
        return problem(ex, status, headers, request, "No endpoint answers " + ex.getHttpMethod() + " " + path);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(RequestProblems::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return problem(ex, status, headers, request, detail.isEmpty() ? "The request is invalid" : detail);
    }

    private static String describe(FieldError error) {
        return error.getField() + " " + error.getDefaultMessage();
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = ex.getAllValidationResults().stream()
                .flatMap(result -> result instanceof ParameterErrors bean
                        ? bean.getFieldErrors().stream().map(RequestProblems::describe)
                        : result.getResolvableErrors().stream()
                                .map(error -> result.getMethodParameter().getParameterName() + " "
                                        + error.getDefaultMessage()))
                .sorted()
                .collect(Collectors.joining("; "));
        return problem(ex, HttpStatus.BAD_REQUEST, headers, request, detail);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = ex.getPropertyName() == null ? "parameter" : "'" + ex.getPropertyName() + "'";
        String expected =
                ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName();
        return problem(
                ex, status, headers, request, name + " must be a valid " + expected + ", not '" + ex.getValue() + "'");
    }

    private ResponseEntity<Object> problem(
            Exception ex, HttpStatusCode status, HttpHeaders headers, WebRequest request, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception ex) {
        if (ex instanceof ErrorResponse response) {
            return response.getBody();
        }
        log.error("Unexpected failure while handling a request", ex);
        return ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "The request failed unexpectedly; it has been logged");
    }
}
