package dev.sendout.sandbox.sendgrid.events;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts the fates drawn, for {@link FateCounts}. */
final class FateTally {

  private final Map<Fate.Outcome, LongAdder> outcomes = new EnumMap<>(Fate.Outcome.class);
  private final LongAdder deferred = new LongAdder();
  private final LongAdder bouncedAfterDelivery = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();

  FateTally() {
    for (Fate.Outcome outcome : Fate.Outcome.values()) {
      outcomes.put(outcome, new LongAdder());
    }
  }

  void count(Fate fate) {
    outcomes.get(fate.outcome()).increment();
    increment(deferred, fate.deferred());
    increment(bouncedAfterDelivery, fate.bouncedAfterDelivery());
    increment(outOfOrder, fate.outOfOrder());
  }

  FateCounts snapshot() {
    return new FateCounts(
        outcomes.get(Fate.Outcome.DELIVERED).sum(),
        outcomes.get(Fate.Outcome.BOUNCED).sum(),
        outcomes.get(Fate.Outcome.DROPPED).sum(),
        outcomes.get(Fate.Outcome.SILENT).sum(),
        deferred.sum(),
        bouncedAfterDelivery.sum(),
        outOfOrder.sum());
  }

  private static void increment(LongAdder adder, boolean flag) {
    if (flag) {
      adder.increment();
    }
  }
}
