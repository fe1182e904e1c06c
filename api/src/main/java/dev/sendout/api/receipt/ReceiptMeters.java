package dev.sendout.api.receipt;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.core.receipt.ReceiptStore.Ingested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts what a provider's webhook stored, {@code sendout.receipts{provider,outcome}} (receipts),
 * and the calls it refused unverified, {@code sendout.webhooks.rejected{provider,reason}} (calls:
 * an unverified body's receipts are not counted, nor trusted).
 */
public final class ReceiptMeters {

  private final Counter unsigned;
  private final Counter forged;
  private final Counter received;
  private final Counter duplicates;
  private final Counter unmatched;

  /** The counters of {@code provider}'s webhooks: one set, however many ask for it. */
  public ReceiptMeters(MeterRegistry meters, String provider) {
    this.unsigned = rejected(meters, provider, "unsigned");
    this.forged = rejected(meters, provider, "invalid");
    this.received = counter(meters, provider, "received");
    this.duplicates = counter(meters, provider, "duplicate");
    this.unmatched = counter(meters, provider, "unmatched");
  }

  void record(Ingested ingested) {
    received.increment(ingested.received());
    duplicates.increment(ingested.duplicates());
    unmatched.increment(ingested.unmatched());
  }

  /**
   * Counts a call whose signature was missing or did not verify; any other refusal (a body over the
   * limit, say) is not a rejection of its signature, and is not counted.
   */
  public void rejected(ApiProblem refused) {
    switch (refused.type()) {
      case SIGNATURE_MISSING -> unsigned.increment();
      case SIGNATURE_INVALID, BEARER_INVALID -> forged.increment();
      default -> {}
    }
  }

  private static Counter rejected(MeterRegistry meters, String provider, String reason) {
    return Counter.builder("sendout.webhooks.rejected")
        .description("Webhook calls refused because their signature was missing or invalid")
        .tag("provider", provider)
        .tag("reason", reason)
        .register(meters);
  }

  private static Counter counter(MeterRegistry meters, String provider, String outcome) {
    return Counter.builder("sendout.receipts")
        .description("Provider receipts received by the webhooks, by outcome")
        .tag("provider", provider)
        .tag("outcome", outcome)
        .register(meters);
  }
}
