package io.tocsin.config;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
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
    /** The longest condition, in characters: the examples' longest is under 120. */
    public static final int MAX_LENGTH = 4096;
    /** How deeply a condition may nest (parentheses, calls, operators). */
    static final int MAX_DEPTH = 32;
    /**
     * Bounds on compiling and evaluating a condition written by whoever may apply a configuration: its
     * size and nesting (so compiling one takes milliseconds, not minutes), the iterations of a macro
     * over the labels and the size of a regular expression (so matching an event stays cheap).
     */
    private static final CelOptions OPTIONS = CelOptions.current()
            .maxExpressionCodePointSize(MAX_LENGTH)
            .maxParseRecursionDepth(MAX_DEPTH)
            .comprehensionMaxIterations(1_000)
            .maxRegexProgramSize(1_000)
            .build();
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("labels", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("local_hour", SimpleType.INT)
            .addVar("local_weekday", SimpleType.STRING)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private final String source;
    private final CelRuntime.Program program;

    private RoutingCondition(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** Compiles {@code expression}; a syntax or type error is an {@link IllegalArgumentException} with CEL's message. */
    public static RoutingCondition compile(String expression) {
        if (expression.codePointCount(0, expression.length()) > MAX_LENGTH) {
            // Said here in the validator's words; CEL would refuse it too, in its own.
            throw new IllegalArgumentException("CEL: a condition may be at most " + MAX_LENGTH + " characters long");
        }
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
