package dev.sendout.workflows.sendout;

/**
 * Outcome of sending some messages: how many the provider accepted, refused for good, or may hold
 * without our knowing (the call broke off after the request left).
 */
public record SendTally(int accepted, int failed, int unconfirmed) {

  public static final SendTally NONE = new SendTally(0, 0, 0);

  public SendTally plus(SendTally other) {
    return new SendTally(
        accepted + other.accepted, failed + other.failed, unconfirmed + other.unconfirmed);
  }

  public int total() {
    return accepted + failed + unconfirmed;
  }
}
