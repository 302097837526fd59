/**
 * Internal: the ANTLR-generated lexer and parser (from {@code src/main/antlr4}), the parse-tree to
 * AST builder and the syntax-error listener. Not an API; use {@link io.tracestore.traceql.TraceQL}.
 */
package io.tracestore.traceql.parser;
