package dev.sendout.sandbox;

/** The injected latency both fake providers add before they answer. */
public final class Latency {

  private Latency() {}

  /** Waits this long; false when interrupted (the sandbox is stopping), true otherwise. */
  public static boolean await(long millis) {
    if (millis <= 0) {
      return true;
    }
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
