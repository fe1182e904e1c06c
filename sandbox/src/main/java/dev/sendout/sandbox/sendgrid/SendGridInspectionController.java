package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.sendgrid.events.Receipts;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lets tests and people see what the fake SendGrid accepted, and wipe it between runs. */
@RestController
@RequestMapping("/sandbox/sendgrid")
public class SendGridInspectionController {

  private final MessageStore store;
  private final SendGridCounters counters;
  private final Receipts receipts;

  public SendGridInspectionController(
      MessageStore store, SendGridCounters counters, Receipts receipts) {
    this.store = store;
    this.counters = counters;
    this.receipts = receipts;
  }

  @GetMapping("/messages/{messageId}")
  public ResponseEntity<MessageRecord> message(@PathVariable String messageId) {
    return ResponseEntity.of(store.find(messageId));
  }

  @GetMapping("/stats")
  public SendGridStats stats() {
    return counters.snapshot(receipts.stats());
  }

  /** Forgets the records, the counters and every receipt not yet sent. */
  @DeleteMapping("/messages")
  public ResponseEntity<Void> clear() {
    receipts.clear();
    store.clear();
    return ResponseEntity.noContent().build();
  }
}
