package dev.sendout.sandbox.sendgrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiptLedgerTest {

  private final ReceiptLedger ledger = new ReceiptLedger();

  @Test
  void reservesARequestsEventsWholeOrNotAtAllAndCountsTheRefused() {
    assertThat(ledger.reserve(6, 10)).isTrue();
    assertThat(ledger.reserve(5, 10)).isFalse();
    assertThat(ledger.reserve(4, 10)).isTrue();

    ReceiptStats stats = ledger.stats();
    assertThat(stats.pendingEvents()).isEqualTo(10);
    assertThat(stats.eventsOverCapacity()).isEqualTo(5);
  }

  @Test
  void postedAndDroppedEventsLeaveThePending() {
    ledger.reserve(10, 100);
    ledger.countPosted(6);
    ledger.countDropped(4);

    ReceiptStats stats = ledger.stats();
    assertThat(stats.pendingEvents()).isZero();
    assertThat(stats.eventsPosted()).isEqualTo(6);
    assertThat(stats.batchesPosted()).isEqualTo(1);
    assertThat(stats.eventsDropped()).isEqualTo(4);
  }
}
