package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.Label;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExternalLabelsTest {
  private final ExternalLabels ext =
      new ExternalLabels(Labels.of("cluster", "eu1", "replica", "a"));

  @Test
  void matchersOnExternalLabelsAreDecidedHere() {
    Matcher job = Matcher.eq("job", "api");
    assertEquals(List.of(job), ext.remaining(job, Matcher.eq("replica", "a")));
    assertEquals(List.of(job), ext.remaining(new Matcher(Matcher.Type.RE, "cluster", "eu.*"), job));
    assertEquals(List.of(), ext.remaining(new Matcher(Matcher.Type.NEQ, "replica", "b")));
    assertNull(ext.remaining(job, Matcher.eq("replica", "b")));
    assertNull(ext.remaining(new Matcher(Matcher.Type.NRE, "cluster", "eu1|us1")));
    assertEquals(List.of(job), new ExternalLabels(Labels.EMPTY).remaining(job));
  }

  @Test
  void externalValuesWinAndLabelsStaySorted() {
    // Prometheus' answer: its own external labels merged in, a stored cluster label kept.
    List<Label> fromPrometheus =
        List.of(
            label("__name__", "up"),
            label("cluster", "local"),
            label("instance", "i"),
            label("replica", "a"));
    assertEquals(
        Labels.of("__name__", "up", "cluster", "eu1", "instance", "i", "replica", "a"),
        ext.attach(fromPrometheus));
    // Labels Prometheus had not merged (an older config) are added in place.
    assertEquals(
        Labels.of("__name__", "up", "cluster", "eu1", "replica", "a", "zone", "z"),
        ext.attach(List.of(label("__name__", "up"), label("zone", "z"))));
    // Unsorted input (not what Prometheus sends) is sorted, external still winning.
    assertEquals(
        Labels.of("__name__", "up", "cluster", "eu1", "replica", "a"),
        ext.attach(List.of(label("replica", "x"), label("__name__", "up"))));
  }

  private static Label label(String n, String v) {
    return Label.newBuilder().setName(n).setValue(v).build();
  }
}
