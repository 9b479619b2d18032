package io.rwgateway.hashring;

import java.util.Objects;

/**
 * One receiver in a hashring: its forwarding address exactly as written in the hashring file and
 * its availability zone ({@code ""} when the file gives none).
 *
 * <p>NOTE: the address is used verbatim, both to recognise this replica and as a placement input
 * (ketama hashes it), so it is never normalised: {@code node-1:10901} and {@code NODE-1:10901} are
 * different nodes here exactly as they are in Thanos.
 */
public record Endpoint(String address, String az) {
  public Endpoint {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(az, "az");
    if (address.isEmpty()) {
      throw new IllegalArgumentException("endpoint address must not be empty");
    }
  }

  /** An endpoint without an availability zone. */
  public static Endpoint of(String address) {
    return new Endpoint(address, "");
  }

  @Override
  public String toString() {
    return az.isEmpty() ? address : address + " (az " + az + ")";
  }
}
