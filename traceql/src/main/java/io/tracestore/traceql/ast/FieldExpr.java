package io.tracestore.traceql.ast;

/**
 * An expression evaluated per span, as written inside {@code { }}, {@code by()} or an aggregate:
 * operators, literals, attributes and intrinsics.
 */
public sealed interface FieldExpr extends Node permits BinaryExpr, UnaryExpr, Literal, FieldRef {}
