package io.tocsin.api;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdvice;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;

/**
 * The one place every JSON request body of the API is checked, so that a 400 lists every invalid
 * field at once: keys the body's type does not know (with the closest known key as a suggestion, as a
 * misspelt {@code requestor} would otherwise be dropped in silence and reported as a missing
 * {@code requester}) and then whatever the body's own {@link FieldErrors.Checked#check} finds. Bodies
 * the monitoring endpoints take are read by ingest's own parser, so none of this runs in an alert storm.
 */
@RestControllerAdvice
class RequestBodies implements RequestBodyAdvice {
    /** Where the unknown keys of the body being read are collected; set only while an API body is read. */
    static final String UNKNOWN = RequestBodies.class.getName() + ".unknown";

    @java.lang.Override
    public boolean supports(MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @java.lang.Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage input, MethodParameter parameter, Type targetType,
                                           Class<? extends HttpMessageConverter<?>> converterType) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(UNKNOWN, new FieldErrors(), RequestAttributes.SCOPE_REQUEST);
        }
        return input;
    }

    @java.lang.Override
    public Object afterBodyRead(Object body, HttpInputMessage input, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        FieldErrors errors = collected();
        if (errors == null) {
            errors = new FieldErrors();
        }
        if (body instanceof FieldErrors.Checked checked) {
            checked.check(errors);
        }
        if (!(body instanceof FieldErrors.Deferred)) {
            errors.throwIfAny();
        }
        return body;
    }

    /** The keys the body just read should not have had (a {@link FieldErrors.Deferred} body's controller adds its own findings). */
    static FieldErrors unknownKeys() {
        FieldErrors errors = collected();
        return errors == null ? new FieldErrors() : errors;
    }

    @java.lang.Override
    public Object handleEmptyBody(Object body, HttpInputMessage input, MethodParameter parameter, Type targetType,
                                  Class<? extends HttpMessageConverter<?>> converterType) {
        return body;
    }

    private static FieldErrors collected() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request == null ? null : (FieldErrors) request.getAttribute(UNKNOWN, RequestAttributes.SCOPE_REQUEST);
    }

    /**
     * Unknown keys are recorded instead of skipped when an API body is being read (and only then: any
     * other use of the mapper keeps Jackson's behaviour).
     */
    @Bean
    JsonMapperBuilderCustomizer collectUnknownKeys() {
        return builder -> builder.addHandler(new DeserializationProblemHandler() {
            @java.lang.Override
            public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
                                                 Object beanOrClass, String propertyName) {
                FieldErrors errors = collected();
                if (errors == null) {
                    return false;
                }
                Collection<Object> known = deserializer.getKnownPropertyNames();
                List<String> names = new ArrayList<>();
                if (known != null) {
                    known.forEach(k -> names.add(String.valueOf(k)));
                }
                errors.add(path(p.streamReadContext()), "unknown field" + (names.isEmpty() ? ""
                        : FieldErrors.suggestion(propertyName, names) + "; known: " + String.join(", ", new TreeSet<>(names))));
                p.skipChildren();
                return true;
            }
        });
    }

    /** {@code a.b[2].c} for where the parser is. */
    private static String path(TokenStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.currentName() != null) {
                path.insert(0, (path.isEmpty() || path.charAt(0) == '[' ? "" : ".")).insert(0, c.currentName());
            } else if (c.inArray()) {
                path.insert(0, "[" + Math.max(0, c.getCurrentIndex()) + "]" + (path.isEmpty() || path.charAt(0) == '[' ? "" : "."));
            }
        }
        return path.toString();
    }
}
