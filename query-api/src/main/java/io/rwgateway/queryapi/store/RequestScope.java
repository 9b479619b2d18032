package io.rwgateway.queryapi.store;

import io.grpc.Status;
import io.rwgateway.model.InvalidMatcherException;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One request's matchers split the way Thanos' {@code matchesExternalLabels} splits them: those on
 * a tenant or external label name are decided against each tenant's label set (a tenant they reject
 * contributes nothing and its data is never opened), the rest go to the tsdb. Also the request's
 * {@code without_replica_labels}.
 */
final class RequestScope {
  private final List<Matcher> decided = new ArrayList<>();
  private final Matcher[] remaining;
  private final boolean hadMatchers;
  private final Set<String> removed;

  /**
   * @param labelNames the names every tenant's label set has (external labels and tenant label)
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for a matcher that cannot be built
   */
  RequestScope(
      List<LabelMatcher> matchers, List<String> withoutReplicaLabels, Set<String> labelNames) {
    List<Matcher> rest = new ArrayList<>();
    for (LabelMatcher m : matchers) {
      Matcher mm = convert(m);
      (labelNames.contains(mm.name()) ? decided : rest).add(mm);
    }
    this.remaining = rest.toArray(new Matcher[0]);
    this.hadMatchers = !matchers.isEmpty();
    this.removed = Set.copyOf(new HashSet<>(withoutReplicaLabels));
  }

  /** A StoreAPI matcher as a model matcher; INVALID_ARGUMENT as Thanos answers a bad one. */
  static Matcher convert(LabelMatcher m) {
    Matcher.Type type;
    switch (m.getTypeValue()) {
      case LabelMatcher.Type.EQ_VALUE:
        type = Matcher.Type.EQ;
        break;
      case LabelMatcher.Type.NEQ_VALUE:
        type = Matcher.Type.NEQ;
        break;
      case LabelMatcher.Type.RE_VALUE:
        type = Matcher.Type.RE;
        break;
      case LabelMatcher.Type.NRE_VALUE:
        type = Matcher.Type.NRE;
        break;
      default:
        // Thanos' MatcherToPromMatcher: "unrecognized label matcher type %d".
        throw Status.INVALID_ARGUMENT
            .withDescription("unrecognized label matcher type " + m.getTypeValue())
            .asRuntimeException();
    }
    try {
      return new Matcher(type, m.getName(), m.getValue());
    } catch (InvalidMatcherException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  /** True when the request's matchers on tenant and external labels accept this tenant. */
  boolean admits(TenantLabelSet tenant) {
    for (Matcher m : decided) {
      String v = tenant.get(m.name());
      if (!m.matches(v == null ? "" : v)) {
        return false;
      }
    }
    return true;
  }

  /** The matchers the tsdb applies: those not on a tenant or external label name. */
  Matcher[] remaining() {
    return remaining;
  }

  /** True when the request had matchers at all (before any were decided per tenant). */
  boolean hadMatchers() {
    return hadMatchers;
  }

  /** The request's {@code without_replica_labels}. */
  Set<String> removed() {
    return removed;
  }
}
