package dev.sendout.sandbox.sendgrid.events;

import java.util.Collections;
import java.util.List;

/**
 * The fates drawn for one accepted mail send and the events they lead to, planned before the
 * message records are written and queued only after, so that whoever sees a receipt can always find
 * the message's fate.
 */
public final class ReceiptPlan {

  private final List<Fate> fates;
  private final List<PendingEvent> events;
  private final ReceiptLedger ledger;

  ReceiptPlan(List<Fate> fates, List<PendingEvent> events, ReceiptLedger ledger) {
    this.fates = fates;
    this.events = events;
    this.ledger = ledger;
  }

  /** A plan for a mail send accepted while receipts were off: no fates and no events. */
  static ReceiptPlan none(int personalizations) {
    return new ReceiptPlan(Collections.nCopies(personalizations, null), List.of(), null);
  }

  /** One fate per personalization, in request order; null entries when receipts were off. */
  public List<Fate> fates() {
    return fates;
  }

  List<PendingEvent> events() {
    return events;
  }

  ReceiptLedger ledger() {
    return ledger;
  }
}
