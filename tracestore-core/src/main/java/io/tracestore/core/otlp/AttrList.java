package io.tracestore.core.otlp;

import io.tracestore.api.Attribute;
import io.tracestore.api.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;

/** Turns attributes as they arrive (possibly with repeated keys) into {@link Attributes}. Stateless. */
final class AttrList {
  private static final Comparator<Attribute> BY_KEY = Comparator.comparing(Attribute::key);

  private AttrList() {}

  /**
   * The attributes of {@code list} (null means none). A key that appears more than once keeps the
   * value that came last, as with a map put; the earlier values are discarded.
   */
  static Attributes build(ArrayList<Attribute> list) {
    if (list == null || list.isEmpty()) {
      return Attributes.EMPTY;
    }
    if (strictlyAscending(list)) {
      return Attributes.of(list); // the common case: nothing to sort or drop
    }
    Attribute[] a = list.toArray(new Attribute[0]);
    Arrays.sort(a, BY_KEY); // stable: equal keys stay in arrival order
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (n > 0 && a[n - 1].key().equals(a[i].key())) {
        a[n - 1] = a[i]; // last wins
      } else {
        a[n++] = a[i];
      }
    }
    return Attributes.of(n == a.length ? Arrays.asList(a) : Arrays.asList(a).subList(0, n));
  }

  private static boolean strictlyAscending(ArrayList<Attribute> list) {
    for (int i = 1; i < list.size(); i++) {
      if (list.get(i - 1).key().compareTo(list.get(i).key()) >= 0) {
        return false;
      }
    }
    return true;
  }
}
