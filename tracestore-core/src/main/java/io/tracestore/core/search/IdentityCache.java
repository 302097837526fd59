package io.tracestore.core.search;

/**
 * A small direct-mapped cache from object identity to a computed value, for values that depend
 * only on a span's resource or instrumentation scope: spans of one batch share those instances, and
 * a trace interleaves a handful of them. A slot holds the last key that hashed to it. Not
 * thread-safe.
 */
final class IdentityCache {
  private static final int SLOTS = 64;
  private static final Object EMPTY = new Object();

  private final Object[] keys = new Object[SLOTS];
  private final Object[] values = new Object[SLOTS];

  IdentityCache() {
    java.util.Arrays.fill(keys, EMPTY);
  }

  /** The value cached for {@code key}, computed by {@code eval} at {@code c} on a miss. */
  Object get(Object key, Eval eval, EvalContext c) {
    int slot = System.identityHashCode(key) & (SLOTS - 1);
    if (keys[slot] == key) {
      return values[slot];
    }
    Object v = eval.eval(c);
    keys[slot] = key;
    values[slot] = v;
    return v;
  }
}
