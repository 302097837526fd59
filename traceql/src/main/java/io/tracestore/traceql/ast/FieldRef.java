package io.tracestore.traceql.ast;

/** A reference to a span's data: an {@link Attribute} or an {@link IntrinsicField}. */
public sealed interface FieldRef extends FieldExpr permits Attribute, IntrinsicField {}
