package io.rwgateway.query;

/**
 * One endpoint as the set last saw it, for status pages and logs.
 *
 * @param address host:port
 * @param info what its last successful Info call said; null when none has succeeded yet
 * @param active whether queries go to it now (its last Info call succeeded)
 * @param down whether it has not answered Info for longer than the set's unhealthy timeout (a
 *     static address is kept and polled anyway)
 * @param lastError the last Info call's error, null when it succeeded
 * @param lastCheckMillis when the last Info call ended (ms since the epoch); 0 before the first
 * @param lastSuccessMillis when an Info call last succeeded; 0 if never
 */
public record EndpointStatus(
    String address,
    EndpointInfo info,
    boolean active,
    boolean down,
    String lastError,
    long lastCheckMillis,
    long lastSuccessMillis) {}
