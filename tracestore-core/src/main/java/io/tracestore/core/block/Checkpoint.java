package io.tracestore.core.block;

/**
 * A point in long background block work (encoding a cut or a compaction's output, reading a
 * compaction's inputs) where the work may wait for something more urgent, such as searches in
 * flight. Called every few thousand rows by the thread doing the work. Implementations decide
 * whether and how long to wait, must bound the wait, and must be thread-safe.
 */
@FunctionalInterface
public interface Checkpoint {
  /** Never waits. */
  Checkpoint NONE = () -> {};

  /** Rows between two checkpoints of block work. */
  int INTERVAL_ROWS = 4096;

  /** Called by the working thread between rows; may block for a while. */
  void reached();
}
