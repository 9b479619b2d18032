package io.rwgateway.query;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import java.util.ArrayList;
import java.util.List;

/** Matchers on the StoreAPI wire, and the external-label pruning of endpoints. */
final class StoreMatchers {
  private StoreMatchers() {}

  static List<LabelMatcher> toProto(Matcher... matchers) {
    List<LabelMatcher> out = new ArrayList<>(matchers.length);
    for (Matcher m : matchers) {
      out.add(
          LabelMatcher.newBuilder()
              .setType(type(m.type()))
              .setName(m.name())
              .setValue(m.value())
              .build());
    }
    return out;
  }

  private static LabelMatcher.Type type(Matcher.Type t) {
    switch (t) {
      case EQ:
        return LabelMatcher.Type.EQ;
      case NEQ:
        return LabelMatcher.Type.NEQ;
      case RE:
        return LabelMatcher.Type.RE;
      case NRE:
        return LabelMatcher.Type.NRE;
      default:
        throw new IllegalArgumentException("matcher type " + t);
    }
  }

  /**
   * Whether an endpoint with these external label sets may hold series the matchers accept. It may
   * not when, for every one of its label sets, some matcher on a label of that set rejects the
   * set's value: every series it serves carries one of those sets. Matchers on other labels decide
   * nothing here. No label sets: it may hold anything.
   */
  static boolean mayMatch(List<Labels> labelSets, Matcher... matchers) {
    if (labelSets.isEmpty()) {
      return true;
    }
    for (Labels set : labelSets) {
      if (setMayMatch(set, matchers)) {
        return true;
      }
    }
    return false;
  }

  private static boolean setMayMatch(Labels set, Matcher... matchers) {
    for (Matcher m : matchers) {
      String v = valueOrNull(set, m.name());
      if (v != null && !m.matches(v)) {
        return false;
      }
    }
    return true;
  }

  /** The label's value, or null when the set has no such label ({@link Labels#get} gives ""). */
  private static String valueOrNull(Labels set, String name) {
    for (int i = 0; i < set.size(); i++) {
      if (set.name(i).equals(name)) {
        return set.value(i);
      }
    }
    return null;
  }
}
