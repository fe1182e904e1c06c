package dev.sendout.api.receipt;

import dev.sendout.activities.receipt.ReceiptStore.Ingested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts what a provider's webhook stored: {@code sendout.receipts{provider,outcome}}. */
final class ReceiptMeters {

  private final Counter received;
  private final Counter duplicates;
  private final Counter unmatched;

  ReceiptMeters(MeterRegistry meters, String provider) {
    this.received = counter(meters, provider, "received");
    this.duplicates = counter(meters, provider, "duplicate");
    this.unmatched = counter(meters, provider, "unmatched");
  }

  void record(Ingested ingested) {
    received.increment(ingested.received());
    duplicates.increment(ingested.duplicates());
    unmatched.increment(ingested.unmatched());
  }

  private static Counter counter(MeterRegistry meters, String provider, String outcome) {
    return Counter.builder("sendout.receipts")
        .description("Provider receipts received by the webhooks, by outcome")
        .tag("provider", provider)
        .tag("outcome", outcome)
        .register(meters);
  }
}
