/**
 * The TraceQL syntax tree: sealed interfaces and immutable records. Every node records where it
 * was written ({@link io.tracestore.traceql.ast.Position}), but positions never take part in
 * equality, so trees compare by structure. Lists are unmodifiable; components are non-null unless
 * documented otherwise. Trees are safe to share between threads.
 */
package io.tracestore.traceql.ast;
