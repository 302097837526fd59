package io.tracestore.core.otlp;

/**
 * The field path a decoder is at, kept as a cheap stack and rendered only for error messages.
 * Not thread-safe: one per decode call.
 */
final class Path {
  private String[] names = new String[16];
  private int[] indices = new int[16];
  private int depth;

  void push(String name, int index) {
    if (depth == names.length) {
      names = java.util.Arrays.copyOf(names, depth * 2);
      indices = java.util.Arrays.copyOf(indices, depth * 2);
    }
    names[depth] = name;
    indices[depth] = index;
    depth++;
  }

  void push(String name) {
    push(name, -1);
  }

  void pop() {
    depth--;
  }

  /** The path, with {@code leaf} appended if not null. */
  String render(String leaf) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(names[i]);
      if (indices[i] >= 0) {
        sb.append('[').append(indices[i]).append(']');
      }
    }
    if (leaf != null) {
      if (depth > 0) {
        sb.append('.');
      }
      sb.append(leaf);
    }
    return sb.toString();
  }
}
