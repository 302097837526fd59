package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A reference to an intrinsic field, e.g. {@code duration}, {@code span:status}, {@code
 * trace:rootService}. Legacy and scoped spellings of the same field give equal nodes.
 *
 * @param intrinsic which field
 * @param position the first character of the name
 */
public record IntrinsicField(Intrinsic intrinsic, Position position) implements FieldRef {
  /** Checks for nulls. */
  public IntrinsicField {
    Objects.requireNonNull(intrinsic, "intrinsic");
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static IntrinsicField of(Intrinsic intrinsic) {
    return new IntrinsicField(intrinsic, Position.NONE);
  }
}
