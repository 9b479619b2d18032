package io.rwgateway.hashring;

import io.rwgateway.model.XxHash64;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A straightforward, string-based rendering of Thanos' placement rules, written from the rules (not
 * from the production classes) so that tests can compare the two. Slow and allocating on purpose:
 * clarity over speed, unsigned values as BigInteger, sections as objects.
 */
final class ThanosReference {
  private ThanosReference() {}

  /** labelpb.HashWithPrefix: xxhash64 of tenant 0xFF (name 0xFF value 0xFF)*. */
  static long hash(String tenant, List<String[]> labels) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(tenant.getBytes(StandardCharsets.UTF_8));
    b.write(0xFF);
    for (String[] l : labels) {
      b.writeBytes(l[0].getBytes(StandardCharsets.UTF_8));
      b.write(0xFF);
      b.writeBytes(l[1].getBytes(StandardCharsets.UTF_8));
      b.write(0xFF);
    }
    byte[] all = b.toByteArray();
    return XxHash64.hash(all, 0, all.length, 0);
  }

  static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  /** hashmod: addresses sorted, owner r is sorted[(hash + r) mod 2^64 mod n]. */
  static List<String> hashmod(List<String> addresses, long hash, int rf) {
    List<String> sorted = new ArrayList<>(addresses);
    sorted.sort(Comparator.naturalOrder()); // test addresses are ASCII, where this is Go's order
    BigInteger two64 = BigInteger.ONE.shiftLeft(64);
    List<String> owners = new ArrayList<>();
    for (int r = 0; r < rf; r++) {
      BigInteger sum = unsigned(hash).add(BigInteger.valueOf(r)).mod(two64);
      owners.add(sorted.get(sum.mod(BigInteger.valueOf(sorted.size())).intValue()));
    }
    return owners;
  }

  private record Section(BigInteger position, String address, String az) {}

  /** ketama as Thanos describes and implements it, owners as addresses. */
  static List<String> ketama(List<Endpoint> endpoints, int sectionsPerNode, long hash, int rf) {
    List<Section> ring = new ArrayList<>();
    Set<String> zones = new HashSet<>();
    for (Endpoint e : endpoints) {
      zones.add(e.az());
      for (int i = 1; i <= sectionsPerNode; i++) {
        byte[] key = (e.address() + ":" + i).getBytes(StandardCharsets.UTF_8);
        ring.add(new Section(unsigned(XxHash64.hash(key, 0, key.length, 0)), e.address(), e.az()));
      }
    }
    ring.sort(Comparator.comparing(Section::position));
    BigInteger v = unsigned(hash);
    int start = 0;
    while (start < ring.size() && ring.get(start).position().compareTo(v) < 0) {
      start++;
    }
    if (start == ring.size()) {
      start = 0;
    }
    List<String> owners = new ArrayList<>();
    Map<String, Integer> perZone = new HashMap<>();
    for (String z : zones) {
      perZone.put(z, 0);
    }
    for (int j = start; owners.size() < rf; j = (j + 1) % ring.size()) {
      Section s = ring.get(j);
      if (owners.contains(s.address())) {
        continue;
      }
      int least = perZone.values().stream().min(Integer::compare).orElse(0);
      if (zones.size() > 1 && perZone.get(s.az()) > 0 && perZone.get(s.az()) > least) {
        continue;
      }
      owners.add(s.address());
      perZone.merge(s.az(), 1, Integer::sum);
    }
    return owners;
  }
}
