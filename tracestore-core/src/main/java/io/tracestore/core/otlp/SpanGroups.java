package io.tracestore.core.otlp;

import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups spans into OTLP's ResourceSpans/ScopeSpans shape: one group per distinct (equal) resource,
 * within it one per distinct scope. Groups and the spans in them keep first-appearance order.
 * Stateless.
 */
final class SpanGroups {
  private SpanGroups() {}

  static final class ScopeGroup {
    final InstrumentationScope scope;
    final List<Span> spans = new ArrayList<>();

    ScopeGroup(InstrumentationScope scope) {
      this.scope = scope;
    }
  }

  static final class ResourceGroup {
    final Resource resource;
    final List<ScopeGroup> scopes = new ArrayList<>();
    private final Map<InstrumentationScope, ScopeGroup> byIdentity = new IdentityHashMap<>();
    private final Map<InstrumentationScope, ScopeGroup> byValue = new HashMap<>();

    ResourceGroup(Resource resource) {
      this.resource = resource;
    }

    ScopeGroup scope(InstrumentationScope s) {
      ScopeGroup g = byIdentity.get(s);
      if (g == null) {
        g = byValue.get(s);
        if (g == null) {
          g = new ScopeGroup(s);
          byValue.put(s, g);
          scopes.add(g);
        }
        byIdentity.put(s, g);
      }
      return g;
    }
  }

  static List<ResourceGroup> group(List<Span> spans) {
    List<ResourceGroup> out = new ArrayList<>();
    Map<Resource, ResourceGroup> byIdentity = new IdentityHashMap<>();
    Map<Resource, ResourceGroup> byValue = new HashMap<>();
    Resource lastResource = null;
    InstrumentationScope lastScope = null;
    ScopeGroup last = null;
    for (Span s : spans) {
      if (s.resource() != lastResource || s.scope() != lastScope) {
        ResourceGroup rg = byIdentity.get(s.resource());
        if (rg == null) {
          rg = byValue.get(s.resource());
          if (rg == null) {
            rg = new ResourceGroup(s.resource());
            byValue.put(s.resource(), rg);
            out.add(rg);
          }
          byIdentity.put(s.resource(), rg);
        }
        last = rg.scope(s.scope());
        lastResource = s.resource();
        lastScope = s.scope();
      }
      last.spans.add(s);
    }
    return out;
  }
}
