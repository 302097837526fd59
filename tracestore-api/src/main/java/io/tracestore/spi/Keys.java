package io.tracestore.spi;

/** The key rules every {@link ObjectStore} enforces. */
public final class Keys {
  /** The longest key accepted, in characters. */
  public static final int MAX_LENGTH = 1024;

  private Keys() {}

  /**
   * Returns {@code key} if it is a valid object key.
   *
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("object key must not be empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("object key longer than " + MAX_LENGTH + " characters");
    }
    if (key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("object key must not contain NUL or '\\': \"" + printable(key) + "\"");
    }
    if (key.startsWith("/")) {
      throw new IllegalArgumentException("object key must be relative: \"" + key + "\"");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "object key has an empty, '.' or '..' segment: \"" + key + "\"");
      }
    }
    return key;
  }

  private static String printable(String s) {
    return s.replace("\0", "\\0");
  }
}
