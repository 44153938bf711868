package io.tocsin.config;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

/**
 * A user-written routing condition in CEL: a sandboxed, non-Turing-complete expression over the event,
 * type-checked when the configuration is validated so a broken rule never reaches production.
 * Variables: {@code event} (summary, source, severity, service, labels, details, ...),
 * {@code labels} (shortcut for event.labels), {@code local_hour} and {@code local_weekday}.
 */
public final class RoutingCondition {
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("labels", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("local_hour", SimpleType.INT)
            .addVar("local_weekday", SimpleType.STRING)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String source;
    private final CelRuntime.Program program;

    private RoutingCondition(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** Compiles {@code expression}; a syntax or type error is an {@link IllegalArgumentException} with CEL's message. */
    public static RoutingCondition compile(String expression) {
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            throw new IllegalArgumentException("CEL: " + result.getErrorString().lines().findFirst().orElse("invalid expression"));
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new RoutingCondition(expression, RUNTIME.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException("CEL: " + e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** Evaluates against the variables; a runtime error (missing label, bad conversion) counts as no match. */
    public boolean matches(Map<String, ?> variables) {
        try {
            return Boolean.TRUE.equals(program.eval(variables));
        } catch (CelEvaluationException e) {
            return false;
        }
    }
}
