package io.rwgateway.hashring;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a tenant belongs to one hashring of the file: a set of exact names, a list of Go
 * globs, or (no tenants listed) everyone. Built once per loaded file; immutable and thread-safe.
 */
final class TenantMatcher {
  private static final TenantMatcher EVERYONE = new TenantMatcher(null, null);

  private final Set<String> exact;
  private final List<GoGlob> globs;

  private TenantMatcher(Set<String> exact, List<GoGlob> globs) {
    this.exact = exact;
    this.globs = globs;
  }

  /**
   * The matcher for one hashring entry; throws {@link IllegalArgumentException} for a malformed
   * glob (see {@link GoGlob}).
   */
  static TenantMatcher of(List<String> tenants, HashringConfig.TenantMatcherType type) {
    if (tenants.isEmpty()) {
      return EVERYONE;
    }
    if (type == HashringConfig.TenantMatcherType.EXACT) {
      return new TenantMatcher(new HashSet<>(tenants), null);
    }
    List<GoGlob> globs = new ArrayList<>(tenants.size());
    for (String t : tenants) {
      globs.add(GoGlob.compile(t));
    }
    return new TenantMatcher(null, List.copyOf(globs));
  }

  boolean matchesEveryone() {
    return this == EVERYONE;
  }

  boolean matches(String tenant) {
    if (this == EVERYONE) {
      return true;
    }
    if (exact != null) {
      return exact.contains(tenant);
    }
    for (GoGlob g : globs) {
      if (g.matches(tenant)) {
        return true;
      }
    }
    return false;
  }
}
