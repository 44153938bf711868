package io.tocsin.api;

import io.tocsin.config.ActiveConfiguration;
import io.tocsin.config.InputErrors;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error is RFC 9457 problem details, and every client mistake is a 4xx naming the field
 * (invariant 6). Framework errors (malformed JSON, wrong media type...) come through the base class.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiProblems.class);

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("https://tocsin.io/problems/" + title.toLowerCase().replace(' ', '-')));
        return p;
    }

    @ExceptionHandler(BadRequestException.class)
    ProblemDetail badRequest(BadRequestException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", String.join("; ",
                e.errors().stream().map(f -> f.field() + ": " + f.message()).toList()));
        p.setProperty("errors", e.errors().stream().map(f -> Map.of("field", f.field(), "message", f.message())).toList());
        return p;
    }

    /** The schedules' own rules (config.Rotas), shared with the browser UI, answered like the API's own field checks. */
    @ExceptionHandler(io.tocsin.config.Rotas.Invalid.class)
    ProblemDetail invalidScheduleChange(io.tocsin.config.Rotas.Invalid e) {
        return badRequest(new BadRequestException(e.problems().stream()
                .map(x -> new FieldErrors.FieldError(x.field(), x.message())).toList()));
    }

    @ExceptionHandler(io.tocsin.config.Rotas.Missing.class)
    ProblemDetail missingScheduleSubject(io.tocsin.config.Rotas.Missing e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(ForbiddenException.class)
    ProblemDetail forbidden(ForbiddenException e) {
        ProblemDetail p = problem(HttpStatus.FORBIDDEN, "Forbidden", e.field() + ": " + e.getMessage());
        p.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return p;
    }

    /**
     * A refusal by {@link io.tocsin.incident.Permissions}: 403 naming the role needed ({@code role}) and
     * where, the same whether the security filter refused (reading, administering) or a controller that
     * read the subject (an incident's team, a schedule's).
     */
    static Map<String, Object> refusal(io.tocsin.incident.Permissions.Refusal r) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("type", "https://tocsin.io/problems/forbidden");
        p.put("title", "Forbidden");
        p.put("status", 403);
        p.put("detail", "Authorization: " + r.message());
        if (r.role() != null) {
            p.put("role", r.role().wire());
        }
        if (r.scope() != null) {
            p.put("scope", r.scope().wire());
        }
        p.put("errors", List.of(Map.of("field", "Authorization", "message", r.message())));
        return p;
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    static String forbiddenJson(io.tocsin.incident.Permissions.Refusal r) {
        return JSON.writeValueAsString(refusal(r));
    }

    @ExceptionHandler(io.tocsin.incident.Permissions.Refused.class)
    ResponseEntity<Object> refused(io.tocsin.incident.Permissions.Refused e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(refusal(e.refusal));
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler({ConflictException.class, ActiveConfiguration.ConcurrentActivationException.class,
            io.tocsin.config.Rotas.Conflict.class})
    ProblemDetail conflict(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getName() + ": bad value \"" + e.getValue() + "\"");
        p.setProperty("errors", List.of(Map.of("field", e.getName(), "message", "bad value")));
        return p;
    }

    @java.lang.Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getParameterName() + ": required");
        p.setProperty("errors", List.of(Map.of("field", ex.getParameterName(), "message", "required")));
        return ResponseEntity.badRequest().body(p);
    }

    /**
     * Malformed JSON, a value of the wrong type, a key given twice, a body past its limit: the
     * framework's answer says only "Failed to read request", so name the field Jackson was reading (or
     * the body as a whole) and say what was wrong in the words of JSON, as every other 400 does.
     */
    @java.lang.Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(org.springframework.http.converter.HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = "(body)";
        String message = ex.getCause() == null ? "a JSON body is required" : "not valid JSON";
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException j) {
                String path = InputErrors.path(j);
                field = path.isEmpty() ? "(body)" : path;
                message = InputErrors.isSyntax(j) ? "not valid JSON" + at(j.getLocation()) : InputErrors.describe(j);
                break;
            }
        }
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", field + ": " + message);
        p.setProperty("errors", List.of(Map.of("field", field, "message", message)));
        return ResponseEntity.badRequest().body(p);
    }

    private static String at(tools.jackson.core.TokenStreamLocation where) {
        return where == null || where.getLineNr() < 1 ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    /** A configuration, scenario or body larger than its limit (docs/operations.md, "Limits"). */
    @ExceptionHandler(RequestLimits.TooLarge.class)
    ResponseEntity<Object> tooLarge(RequestLimits.TooLarge e) {
        ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, "Too large", e.field() + ": " + e.getMessage());
        p.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /** An address no endpoint answers: said as such, not as Spring's "No static resource". */
    @java.lang.Override
    protected ResponseEntity<Object> handleNoResourceFoundException(org.springframework.web.servlet.resource.NoResourceFoundException ex,
                                                                    HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem(HttpStatus.NOT_FOUND, "Not found",
                "no endpoint at " + (ex.getResourcePath().startsWith("/") ? "" : "/") + ex.getResourcePath()
                        + "; the README lists the API"));
    }

    /**
     * A query or form parameter the web server could not decode (a stray %, bytes that are not UTF-8)
     * or a form too large to parse: the request's fault, said as such instead of a 500.
     */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<Object> badParameters(org.apache.tomcat.util.http.InvalidParameterException e) {
        if (String.valueOf(e.getMessage()).contains("too big")) {
            return tooLarge(new RequestLimits.TooLarge("(body)", "the form is too large to read"));
        }
        return parameters("not valid URL encoding (each % must start %XX, and the bytes must be UTF-8)");
    }

    /** A parameter name the firewall refuses (control characters, line breaks): bad input, not a fault. */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    ResponseEntity<Object> rejectedParameters(org.springframework.security.web.firewall.RequestRejectedException e) {
        return parameters("a parameter name holds characters that are not allowed");
    }

    private static ResponseEntity<Object> parameters(String message) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid request", "(parameters): " + message);
        p.setProperty("errors", List.of(Map.of("field", "(parameters)", "message", message)));
        return ResponseEntity.badRequest().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    /** A bug, not bad input: logged with its stack, answered without internals. */
    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        LOG.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "unexpected error; see the server log");
    }
}
