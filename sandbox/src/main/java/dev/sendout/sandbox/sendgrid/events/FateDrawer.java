package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.events.Fate.Outcome;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.springframework.stereotype.Component;

/** Draws the fate of each accepted personalization from the rates in force. */
@Component
class FateDrawer {

  /** About a third of real bounces are reported as blocked rather than bounce. */
  private static final double BLOCKED_SHARE = 1.0 / 3;

  private final Supplier<RandomGenerator> random;

  FateDrawer(ReceiptStartupProperties properties) {
    if (properties.seed() != null) {
      // java.util.Random is thread-safe, so one seeded generator can serve all request threads;
      // the sequence is repeatable whenever the messages arrive in a repeatable order.
      Random seeded = new Random(properties.seed());
      this.random = () -> seeded;
    } else {
      this.random = ThreadLocalRandom::current;
    }
  }

  Fate draw(ReceiptSettings settings) {
    RandomGenerator rng = random.get();
    Outcome outcome = outcome(rng.nextDouble(), settings);
    boolean delivered = outcome == Outcome.DELIVERED;
    boolean deferred = delivered && chance(rng, settings.deferredRate());
    boolean bouncedAfterDelivery = delivered && chance(rng, settings.asyncBounceRate());
    boolean outOfOrder = delivered && chance(rng, settings.outOfOrderRate());
    boolean bounces = outcome == Outcome.BOUNCED || bouncedAfterDelivery;
    boolean blocked = bounces && chance(rng, BLOCKED_SHARE);
    boolean customArgsOmitted = bounces && chance(rng, settings.bounceWithoutCustomArgsRate());
    return new Fate(
        outcome, deferred, bouncedAfterDelivery, outOfOrder, blocked, customArgsOmitted);
  }

  /**
   * Splits one draw between the exclusive fates in a fixed order, so that each rate is exactly the
   * share it names while the rates add up to at most 1.
   */
  private static Outcome outcome(double roll, ReceiptSettings settings) {
    double bound = settings.silenceRate();
    if (roll < bound) {
      return Outcome.SILENT;
    }
    bound += settings.dropRate();
    if (roll < bound) {
      return Outcome.DROPPED;
    }
    bound += settings.bounceRate();
    if (roll < bound) {
      return Outcome.BOUNCED;
    }
    return Outcome.DELIVERED;
  }

  private static boolean chance(RandomGenerator rng, double rate) {
    return rate > 0 && rng.nextDouble() < rate;
  }
}
