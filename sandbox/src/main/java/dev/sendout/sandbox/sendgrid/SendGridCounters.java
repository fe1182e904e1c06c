package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.sendgrid.events.ReceiptStats;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.stereotype.Component;

/**
 * The running counters behind {@link SendGridStats}. LongAdders are used because every request
 * bumps several of them and contended atomics would serialise concurrent senders.
 */
@Component
public class SendGridCounters {

  private final LongAdder requests = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder distinctMessages = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder rejected429 = new LongAdder();
  private final LongAdder rejected5xx = new LongAdder();
  private final LongAdder rejected4xx = new LongAdder();
  private final LongAdder untracked = new LongAdder();

  void countResponse(int status) {
    requests.increment();
    if (status == 429) {
      rejected429.increment();
    } else if (status >= 500) {
      rejected5xx.increment();
    } else if (status >= 400) {
      rejected4xx.increment();
    }
  }

  void countAccepted() {
    accepted.increment();
  }

  void countNewMessage() {
    distinctMessages.increment();
  }

  void countDuplicate() {
    duplicates.increment();
  }

  void countUntracked() {
    untracked.increment();
    distinctMessages.increment();
  }

  /** The mail send counters, with the receipt counters kept elsewhere. */
  SendGridStats snapshot(ReceiptStats receipts) {
    return new SendGridStats(
        requests.sum(),
        accepted.sum(),
        distinctMessages.sum(),
        duplicates.sum(),
        rejected429.sum(),
        rejected5xx.sum(),
        rejected4xx.sum(),
        untracked.sum(),
        receipts);
  }

  void reset() {
    List.of(
            requests,
            accepted,
            distinctMessages,
            duplicates,
            rejected429,
            rejected5xx,
            rejected4xx,
            untracked)
        .forEach(LongAdder::reset);
  }
}
