package io.tracestore.core.search;

/** A compiled field expression: computes a {@link Values run-time value} for the bound span. */
@FunctionalInterface
interface Eval {
  /** The value at {@code c}; nil is null. Never throws for any span. */
  Object eval(EvalContext c);
}
