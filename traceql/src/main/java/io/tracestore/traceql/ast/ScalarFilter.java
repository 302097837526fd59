package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A pipeline stage keeping the spansets whose aggregate satisfies a comparison: {@code count() >
 * 2}, {@code avg(duration) >= 1s}. At the root it may also compare parenthesised scalar pipelines
 * ({@code ({ a } | count()) > ({ b } | count())}), which validation reports as unsupported.
 *
 * @param op comparison
 * @param lhs left side
 * @param rhs right side
 * @param position the comparison operator
 */
public record ScalarFilter(CompareOp op, ScalarExpr lhs, ScalarExpr rhs, Position position)
    implements PipelineStage {
  /** Checks for nulls. */
  public ScalarFilter {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(position, "position");
  }
}
