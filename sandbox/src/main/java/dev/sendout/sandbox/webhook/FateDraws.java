package dev.sendout.sandbox.webhook;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The randomness behind a provider's fate draws: fresh by default, or a seeded sequence that makes
 * the draws repeatable whenever the messages arrive in a repeatable order.
 */
public final class FateDraws {

  /**
   * One exclusive outcome and the share of messages it takes.
   *
   * @param outcome the outcome
   * @param rate its share, from 0 to 1
   * @param <O> the provider's outcome type
   */
  public record Share<O>(O outcome, double rate) {}

  /** The seeded generator, or null to draw from fresh randomness. */
  private volatile Random seeded;

  public FateDraws(Long seed) {
    reseed(seed);
  }

  /**
   * Restarts the draws from this seed, or switches to fresh randomness when it is null.
   * java.util.Random is thread-safe, so one seeded generator can serve all request threads.
   */
  public void reseed(Long seed) {
    seeded = seed == null ? null : new Random(seed);
  }

  /** The generator for one fate; a fate takes all of its draws from the same one. */
  public RandomGenerator generator() {
    Random current = seeded;
    return current != null ? current : ThreadLocalRandom.current();
  }

  /**
   * Splits one roll between exclusive outcomes in the order given, so that each rate is exactly the
   * share it names while the rates add up to at most 1; beyond that the earlier outcomes win.
   */
  @SafeVarargs
  public static <O> O split(double roll, O otherwise, Share<O>... shares) {
    double bound = 0;
    for (Share<O> share : shares) {
      bound += share.rate();
      if (roll < bound) {
        return share.outcome();
      }
    }
    return otherwise;
  }

  /** A separate draw that comes true at this rate, drawing nothing when the rate is zero. */
  public static boolean chance(RandomGenerator rng, double rate) {
    return rate > 0 && rng.nextDouble() < rate;
  }
}
