package dev.sendout.workflows.sendout;

import dev.sendout.workflows.sendout.SendoutActivities.ReleaseSendout;
import dev.sendout.workflows.sendout.SendoutActivities.Released;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The store's release within delivery windows as {@link FakeActivities.Store#inWindows} answers it:
 * a 09:00-20:00 window on each message's wall clock, message {@code n} in {@code zones.get(n)}.
 */
final class FakeWindows {

  static final LocalTime OPENS = LocalTime.of(9, 0);
  static final LocalTime CLOSES = LocalTime.of(20, 0);

  private final List<ZoneId> zones;
  private final LongSupplier clock;

  /** When each message was released, by sequence number; absent while it waits. */
  final Map<Integer, Instant> released = new ConcurrentHashMap<>();

  /** How many of the messages the sendout has so far; the others are added later. */
  volatile int stored;

  FakeWindows(List<ZoneId> zones, LongSupplier clock) {
    this.zones = List.copyOf(zones);
    this.clock = clock;
    this.stored = zones.size();
  }

  /**
   * As the store releases within windows: what is open at the later of the clock and the due time
   * is released, one range per run of consecutive numbers; the rest waits for its next 09:00.
   */
  Released release(ReleaseSendout input) {
    Instant at = Instant.ofEpochMilli(clock.getAsLong());
    if (input.dueAt() != null && input.dueAt().isAfter(at)) {
      at = input.dueAt();
    }
    boolean releasedBefore = !released.isEmpty();
    List<SeqRange> ranges = new ArrayList<>();
    Instant next = null;
    for (int seq = 0; seq < stored; seq++) {
      if (released.containsKey(seq)) {
        continue;
      }
      ZonedDateTime local = at.atZone(zones.get(seq));
      LocalTime time = local.toLocalTime();
      if (!time.isBefore(OPENS) && time.isBefore(CLOSES)) {
        released.put(seq, at);
        ranges.add(new SeqRange(seq, seq + 1));
      } else {
        Instant opens =
            local
                .toLocalDate()
                .plusDays(time.isBefore(OPENS) ? 0 : 1)
                .atTime(OPENS)
                .atZone(zones.get(seq))
                .toInstant();
        next = next == null || opens.isBefore(next) ? opens : next;
      }
    }
    return new Released(stored, SeqRange.merged(ranges), next, false, releasedBefore);
  }
}
