package dev.sendout.workflows.watchdog;

/**
 * What one watchdog pass found.
 *
 * @param notReleased sendouts with messages still QUEUED past their release deadline
 * @param noReceipt sendouts with accepted messages unconfirmed past their receipt deadline
 * @param notSent sendouts with released messages no provider took within the send grace (0 in the
 *     results of passes before it was reported)
 * @param receiptLate sendouts with accepted messages without a receipt past the warning time (as
 *     {@code notSent})
 * @param restarted sendouts whose workflow had stopped without finishing, started again
 * @param orphans running sendout workflows whose sendout record is gone; -1 when this Temporal
 *     cannot list workflows (the test server has no visibility queries)
 * @param opened findings seen for the first time in this pass
 * @param cleared findings no longer seen
 */
public record ReconcileReport(
    int notReleased,
    int noReceipt,
    int notSent,
    int receiptLate,
    int restarted,
    int orphans,
    int opened,
    int cleared) {

  public String summary() {
    return ("%d not released, %d not sent, %d with receipts late, %d without receipt, %d restarted,"
            + " %s orphan workflows; %d new findings, %d cleared")
        .formatted(
            notReleased,
            notSent,
            receiptLate,
            noReceipt,
            restarted,
            orphans < 0 ? "unknown" : String.valueOf(orphans),
            opened,
            cleared);
  }
}
