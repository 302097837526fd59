package io.tracestore.core;

/**
 * When the write-ahead log forces appended records to stable storage, and so what a returned
 * {@code append} promises.
 */
public enum FsyncPolicy {
  /**
   * Every {@code append} forces its record before returning: acknowledged spans survive a crash of
   * the process, the OS or the machine. The slowest policy (one fsync per append call).
   */
  ALWAYS,
  /**
   * A background thread forces the log every {@code fsyncInterval} (default 200 ms): acknowledged
   * spans survive a crash of the process at once, and of the machine once the interval has passed.
   */
  INTERVAL,
  /**
   * The log is written to the OS but forced only on a block cut and on close: spans survive a
   * process crash, not a machine crash.
   */
  NEVER
}
