package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.statuses.Fate.Outcome;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.springframework.stereotype.Component;

/** Draws the fate of each accepted SMS from the rates in force. */
@Component
class StatusFateDrawer {

  /** The seeded generator, or null to draw from fresh randomness. */
  private volatile Random seeded;

  StatusFateDrawer(StatusSettings startup) {
    reseed(startup.seed());
  }

  /**
   * Restarts the draws from this seed. java.util.Random is thread-safe, so one seeded generator can
   * serve all request threads.
   */
  void reseed(Long seed) {
    seeded = seed == null ? null : new Random(seed);
  }

  Fate draw(StatusSettings settings) {
    Random current = seeded;
    RandomGenerator rng = current != null ? current : ThreadLocalRandom.current();
    Outcome outcome = outcome(rng.nextDouble(), settings);
    boolean submitted =
        (outcome == Outcome.DELIVERED || outcome == Outcome.UNDELIVERABLE)
            && rng.nextDouble() < settings.submittedRate();
    return new Fate(outcome, submitted);
  }

  /**
   * Splits one draw between the exclusive fates in a fixed order, so that each rate is exactly the
   * share it names while the rates add up to at most 1; beyond that the earlier fates win.
   */
  private static Outcome outcome(double roll, StatusSettings settings) {
    double bound = settings.silenceRate();
    if (roll < bound) {
      return Outcome.SILENT;
    }
    bound += settings.rejectedRate();
    if (roll < bound) {
      return Outcome.REJECTED;
    }
    bound += settings.undeliverableRate();
    if (roll < bound) {
      return Outcome.UNDELIVERABLE;
    }
    return Outcome.DELIVERED;
  }
}
