package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreMatchersTest {
  private static final Labels EU0 = Labels.of("cluster", "eu", "replica", "0");
  private static final Labels US1 = Labels.of("cluster", "us", "replica", "1");

  @Test
  void anEndpointIsSkippedOnlyWhenEveryLabelSetIsRejected() {
    List<Labels> both = List.of(EU0, US1);
    assertTrue(StoreMatchers.mayMatch(both, Matcher.eq("cluster", "eu")));
    assertTrue(StoreMatchers.mayMatch(both, new Matcher(Matcher.Type.NEQ, "cluster", "eu")));
    assertFalse(StoreMatchers.mayMatch(both, Matcher.eq("cluster", "asia")));
    // Each set is rejected by a different matcher.
    assertFalse(
        StoreMatchers.mayMatch(both, Matcher.eq("cluster", "eu"), Matcher.eq("replica", "1")));
    assertTrue(
        StoreMatchers.mayMatch(both, Matcher.eq("cluster", "us"), Matcher.eq("replica", "1")));
    assertFalse(
        StoreMatchers.mayMatch(List.of(EU0), new Matcher(Matcher.Type.NRE, "cluster", "e.")));
  }

  @Test
  void matchersOnOtherLabelsAndEndpointsWithoutLabelSetsDecideNothing() {
    // An empty-value matcher on a label the set lacks: the series may still match.
    assertTrue(StoreMatchers.mayMatch(List.of(EU0), Matcher.eq("job", "")));
    assertTrue(StoreMatchers.mayMatch(List.of(EU0), Matcher.eq("job", "api")));
    assertTrue(StoreMatchers.mayMatch(List.of(), Matcher.eq("cluster", "asia")));
  }

  @Test
  void convertsMatchersToTheWire() {
    assertEquals(
        List.of(
            LabelMatcher.newBuilder()
                .setType(LabelMatcher.Type.EQ)
                .setName("a")
                .setValue("1")
                .build(),
            LabelMatcher.newBuilder()
                .setType(LabelMatcher.Type.NRE)
                .setName("b")
                .setValue("x.*")
                .build()),
        StoreMatchers.toProto(Matcher.eq("a", "1"), new Matcher(Matcher.Type.NRE, "b", "x.*")));
  }
}
