package dev.sendout.workflows;

/**
 * A count with its noun as people write it, for what support staff read (the workflows' details,
 * the watchdog's findings): {@code 1 message}, {@code 25 messages}. One-recipient sendouts are
 * common, and "1 messages" is what a newcomer read in the Web UI.
 */
public final class Counted {

  private Counted() {}

  /** {@code count} and {@code noun}, with an "s" unless the count is one. */
  public static String of(long count, String noun) {
    return count == 1 ? count + " " + noun : count + " " + noun + "s";
  }
}
