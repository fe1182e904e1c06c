package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.sendgrid.events.Fate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Remembers every accepted personalization by our message id, so tests can prove each message went
 * out exactly once and was rendered for the right person.
 *
 * <p>Records sit in a concurrent map updated with {@code compute}, which makes the
 * count-and-replace of one id atomic without a global lock. The number of ids kept is capped; past
 * the cap new ids are only counted, which keeps long load runs from exhausting the heap.
 */
@Component
public class MessageStore {

  private final ConcurrentHashMap<String, MessageRecord> records = new ConcurrentHashMap<>();
  private final AtomicInteger recordedIds = new AtomicInteger();
  private final int maxRecordedMessages;
  private final SendGridCounters counters;

  public MessageStore(SendGridSandboxProperties properties, SendGridCounters counters) {
    this.maxRecordedMessages = properties.maxRecordedMessages();
    this.counters = counters;
  }

  /**
   * Records the personalizations of one request that was answered 202, each with the fate drawn for
   * it at the same position in {@code fates} (null entries when receipts were off).
   */
  public void recordAccepted(
      String xMessageId, List<RenderedPersonalization> personalizations, List<Fate> fates) {
    for (int i = 0; i < personalizations.size(); i++) {
      RenderedPersonalization personalization = personalizations.get(i);
      counters.countAccepted();
      if (personalization.messageId() != null) {
        record(xMessageId, personalization, fates.get(i));
      }
    }
  }

  public Optional<MessageRecord> find(String messageId) {
    return Optional.ofNullable(records.get(messageId));
  }

  /** Forgets all records and zeroes the counters, so each test can start from a clean slate. */
  public void clear() {
    records.clear();
    recordedIds.set(0);
    counters.reset();
  }

  private void record(String xMessageId, RenderedPersonalization personalization, Fate fate) {
    Outcome[] outcome = new Outcome[1];
    records.compute(
        personalization.messageId(),
        (id, existing) -> {
          if (existing != null) {
            outcome[0] = existing.sendCount() == 1 ? Outcome.FIRST_DUPLICATE : Outcome.RESENT;
            return existing.resent(xMessageId, personalization, fate);
          }
          if (reserveSlot()) {
            outcome[0] = Outcome.NEW;
            return MessageRecord.first(xMessageId, personalization, fate);
          }
          outcome[0] = Outcome.UNTRACKED;
          return null;
        });
    // Counting happens outside compute so the map's bin lock is held as briefly as possible.
    switch (outcome[0]) {
      case NEW -> counters.countNewMessage();
      case FIRST_DUPLICATE -> counters.countDuplicate();
      case UNTRACKED -> counters.countUntracked();
      case RESENT -> {
        // A third or later send of an id that is already counted as a duplicate changes nothing.
      }
    }
  }

  /** Claims room for one more id, atomically, so concurrent requests cannot overshoot the cap. */
  private boolean reserveSlot() {
    int before = recordedIds.getAndUpdate(n -> n < maxRecordedMessages ? n + 1 : n);
    return before < maxRecordedMessages;
  }

  private enum Outcome {
    NEW,
    FIRST_DUPLICATE,
    RESENT,
    UNTRACKED
  }
}
