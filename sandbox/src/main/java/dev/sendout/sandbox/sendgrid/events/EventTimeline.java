package dev.sendout.sandbox.sendgrid.events;

import java.util.ArrayList;
import java.util.List;

/** Turns a fate into the events of one recipient, in the order they are to be sent. */
final class EventTimeline {

  /**
   * One planned event.
   *
   * @param type the event type
   * @param happenedAfterMs when the event happened, counted from acceptance; it sets the event's
   *     timestamp
   * @param sentAfterMs when the event is sent, counted from acceptance
   */
  record Step(EventType type, long happenedAfterMs, long sentAfterMs) {}

  private EventTimeline() {}

  static List<Step> of(Fate fate, long delayMs) {
    List<EventType> types = new ArrayList<>(4);
    List<Long> times = new ArrayList<>(4);
    switch (fate.outcome()) {
      case SILENT -> {
        return List.of();
      }
      case DROPPED -> add(types, times, EventType.DROPPED, 0);
      case BOUNCED -> {
        add(types, times, EventType.PROCESSED, 0);
        add(types, times, EventType.BOUNCE, delayMs);
      }
      case DELIVERED -> {
        add(types, times, EventType.PROCESSED, 0);
        if (fate.deferred()) {
          add(types, times, EventType.DEFERRED, delayMs / 2);
        }
        add(types, times, EventType.DELIVERED, delayMs);
        if (fate.bouncedAfterDelivery()) {
          add(types, times, EventType.BOUNCE, 2 * delayMs);
        }
      }
    }
    List<Step> steps = new ArrayList<>(types.size());
    int last = types.size() - 1;
    for (int i = 0; i <= last; i++) {
      // Out of order keeps the send times but hands them out newest event first, so the delivered
      // event goes out when the processed one would have, while every timestamp stays truthful.
      int source = fate.outOfOrder() ? last - i : i;
      steps.add(new Step(types.get(source), times.get(source), times.get(i)));
    }
    return steps;
  }

  private static void add(List<EventType> types, List<Long> times, EventType type, long time) {
    types.add(type);
    times.add(time);
  }
}
