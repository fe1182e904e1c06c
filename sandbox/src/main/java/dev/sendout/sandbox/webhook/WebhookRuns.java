package dev.sendout.sandbox.webhook;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The ledger of the current run of a provider's webhooks. A clear retires it and starts the next,
 * which abandons everything planned before the clear without any locking on the send path.
 *
 * @param <L> the provider's ledger type
 */
public final class WebhookRuns<L extends WebhookLedger> {

  private final Supplier<L> newLedger;
  private final AtomicReference<L> current;

  public WebhookRuns(Supplier<L> newLedger) {
    this.newLedger = newLedger;
    this.current = new AtomicReference<>(newLedger.get());
  }

  public L current() {
    return current.get();
  }

  /** Starts a new run and retires the one before it. */
  public void clear() {
    current.getAndSet(newLedger.get()).retire();
  }
}
