package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsSearchListTest {
  /** A Kubernetes pod's resolv.conf in namespace monitoring, as the kubelet writes it. */
  private static final String POD =
      """
      search monitoring.svc.cluster.local svc.cluster.local cluster.local
      nameserver 10.96.0.10
      options ndots:5
      """;

  private static final DnsSearchList K8S =
      new DnsSearchList(
          List.of("monitoring.svc.cluster.local.", "svc.cluster.local.", "cluster.local."), 5);

  private static DnsSearchList parse(String text) {
    return DnsSearchList.parse(text.lines().toList());
  }

  @Test
  void aPodsResolvConf(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.writeString(file, POD);
    assertEquals(K8S, DnsSearchList.read(file));
  }

  @Test
  void aMissingFileHasNoSearchListAndNdotsOne(@TempDir Path dir) {
    assertEquals(DnsSearchList.none(), DnsSearchList.read(dir.resolve("nope")));
    assertEquals(DnsSearchList.none(), DnsSearchList.read(dir), "a directory is unreadable too");
    assertEquals(new DnsSearchList(List.of(), 1), DnsSearchList.none());
  }

  @Test
  void theLastOfSearchAndDomainWins() {
    assertEquals(List.of("b.", "c."), parse("domain a\nsearch b c\n").search());
    assertEquals(List.of("a."), parse("search b c\ndomain a\n").search());
    assertEquals(List.of("c."), parse("search a b\nsearch c\n").search());
    assertEquals(List.of(), parse("search a\nsearch\n").search(), "an empty search clears it");
    assertEquals(List.of("a.", "b."), parse("search a. . b\n").search(), "rooted; '.' skipped");
    assertEquals(List.of("x."), parse("domain x y\n").search(), "domain takes one name");
    assertEquals(List.of(), parse("domain\n").search());
  }

  @Test
  void ndotsIsReadFromEveryOptionsLineAndCapped() {
    assertEquals(1, parse("search a\n").ndots(), "the default");
    assertEquals(5, parse("options ndots:5\n").ndots());
    assertEquals(2, parse("options rotate ndots:2 timeout:1\n").ndots());
    assertEquals(3, parse("options ndots:1\noptions attempts:2\noptions ndots:3\n").ndots());
    assertEquals(15, parse("options ndots:99\n").ndots(), "capped at 15, as Go and glibc");
    assertEquals(0, parse("options ndots:0\n").ndots());
    assertEquals(0, parse("options ndots:x\n").ndots(), "not a number: 0, as Go reads it");
    assertEquals(1, parse("options timeout:5 attempts:2\n").ndots());
  }

  @Test
  void commentsBlankLinesAndOtherKeywordsAreSkipped() {
    String text =
        """
        # search commented.out
        ; domain commented.out

        nameserver 10.0.0.1
        sortlist 130.155.160.0/255.255.240.0
        \tsearch  a.example\tb.example
        #options ndots:9
        options ndots:2
        """;
    assertEquals(new DnsSearchList(List.of("a.example.", "b.example."), 2), parse(text));
  }

  @Test
  void aShortNameTriesTheSearchDomainsFirst() {
    assertEquals(
        List.of(
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.",
            "_grpc._tcp.receive-default.svc.cluster.local.",
            "_grpc._tcp.receive-default.cluster.local.",
            "_grpc._tcp.receive-default."),
        K8S.candidates("_grpc._tcp.receive-default"));
    // Qualified by its namespace, it still has fewer than 5 dots: cluster.local. completes it.
    assertEquals(
        List.of(
            "_grpc._tcp.receive-default.monitoring.svc.monitoring.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc."),
        K8S.candidates("_grpc._tcp.receive-default.monitoring.svc"));
  }

  @Test
  void aNameWithNdotsDotsIsTriedAsItIsFirst() {
    assertEquals(
        List.of(
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.monitoring.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.svc.cluster.local.",
            "_grpc._tcp.receive-default.monitoring.svc.cluster.local.cluster.local."),
        K8S.candidates("_grpc._tcp.receive-default.monitoring.svc.cluster.local"));
    DnsSearchList ndots1 = new DnsSearchList(List.of("example.com."), 1);
    assertEquals(List.of("a.b.", "a.b.example.com."), ndots1.candidates("a.b"));
    assertEquals(List.of("a.example.com.", "a."), ndots1.candidates("a"));
    DnsSearchList ndots0 = new DnsSearchList(List.of("example.com."), 0);
    assertEquals(List.of("a.", "a.example.com."), ndots0.candidates("a"));
  }

  @Test
  void aRootedNameIsTriedAsItIsOnly() {
    assertEquals(
        List.of("_grpc._tcp.receive-default."), K8S.candidates("_grpc._tcp.receive-default."));
  }

  @Test
  void withoutSearchDomainsANameIsTriedAsItIs() {
    assertEquals(List.of("_grpc._tcp.store."), DnsSearchList.none().candidates("_grpc._tcp.store"));
    assertEquals(List.of("store."), DnsSearchList.none().candidates("store"));
  }

  @Test
  void namesTooLongForDnsAreLeftOut() {
    String label = "a".repeat(60);
    String name = String.join(".", label, label, label, label); // 243 characters
    DnsSearchList list = new DnsSearchList(List.of("short.", "x".repeat(20) + "."), 1);
    assertEquals(List.of(name + ".", name + ".short."), list.candidates(name));
    assertEquals(List.of(), list.candidates(name + "." + label));
    assertEquals(List.of(), list.candidates(""));
  }
}
