package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.vonage.statuses.Statuses;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lets tests and people see what the fake Vonage accepted, and wipe it between runs. */
@RestController
@RequestMapping("/sandbox/vonage")
public class VonageInspectionController {

  /** Keeps one listing to a size a test can reasonably read. */
  static final int MAX_LIMIT = 10_000;

  private final SmsStore store;
  private final VonageCounters counters;
  private final RateLimiter rateLimiter;
  private final Statuses statuses;

  public VonageInspectionController(
      SmsStore store, VonageCounters counters, RateLimiter rateLimiter, Statuses statuses) {
    this.store = store;
    this.counters = counters;
    this.rateLimiter = rateLimiter;
    this.statuses = statuses;
  }

  /** The accepted messages, newest first. */
  @GetMapping("/messages")
  public ResponseEntity<?> messages(@RequestParam(defaultValue = "100") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      return VonageResponses.badRequest(
          List.of(new InvalidParameter("limit", "must be between 1 and " + MAX_LIMIT)));
    }
    return ResponseEntity.ok(store.newest(limit));
  }

  @GetMapping("/messages/{messageUuid}")
  public ResponseEntity<SmsRecord> message(@PathVariable String messageUuid) {
    return ResponseEntity.of(store.find(messageUuid));
  }

  @GetMapping("/stats")
  public VonageStats stats() {
    return counters.snapshot(rateLimiter, statuses.stats());
  }

  /**
   * Forgets the records, the counters, the rate limit window and every status not yet posted, so
   * each test run starts from a clean slate with the full allowance.
   */
  @DeleteMapping("/messages")
  public ResponseEntity<Void> clear() {
    statuses.clear();
    store.clear();
    rateLimiter.reset();
    counters.reset();
    return ResponseEntity.noContent().build();
  }
}
