package dev.sendout.api.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * How many places of a bound each tenant holds, and at most how many it may, its share: so that one
 * tenant's slow or many requests never take every place of a bound all tenants share.
 */
final class TenantPlaces {

  private final int share;
  private final Map<String, Semaphore> held = new ConcurrentHashMap<>();

  /** {@code share} places a tenant, or one if it is less. */
  TenantPlaces(int share) {
    this.share = Math.max(1, share);
  }

  int share() {
    return share;
  }

  /** Takes one of the tenant's places; false, taking none, when it holds its share already. */
  boolean take(String tenantId) {
    return of(tenantId).tryAcquire();
  }

  /** Gives back a place {@link #take} gave the tenant. */
  void leave(String tenantId) {
    of(tenantId).release();
  }

  /**
   * The tenant's places, a permit for each it does not hold, for a caller that may wait for one.
   */
  Semaphore of(String tenantId) {
    return held.computeIfAbsent(tenantId, id -> new Semaphore(share));
  }
}
