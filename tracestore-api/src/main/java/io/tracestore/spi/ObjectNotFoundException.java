package io.tracestore.spi;

import java.io.IOException;

/** No object is stored under the key named in the message. */
public class ObjectNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ObjectNotFoundException(String key) {
    super("no object at key \"" + key + "\"");
    this.key = key;
  }

  public String key() {
    return key;
  }
}
