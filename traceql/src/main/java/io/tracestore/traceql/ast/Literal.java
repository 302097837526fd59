package io.tracestore.traceql.ast;

/**
 * A literal value. Literals appear in field expressions, in scalar expressions (numbers and
 * durations), in metrics arithmetic (numbers) and as hint values.
 */
public sealed interface Literal extends FieldExpr, ScalarExpr, MetricsExpr
    permits IntLiteral, FloatLiteral, StringLiteral, BoolLiteral, NilLiteral, DurationLiteral,
        StatusLiteral, KindLiteral {
  /** The static type of the value. */
  ValueType type();
}
