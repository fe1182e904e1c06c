package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.vonage.statuses.StatusPlan;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Remembers every accepted SMS by its {@code message_uuid}, and the order they came in, so tests
 * can check what was sent and which statuses followed.
 *
 * <p>The number kept is capped like the SendGrid records; past the cap messages are only counted,
 * which keeps long load runs from exhausting the heap.
 */
@Component
public class SmsStore {

  private final ConcurrentHashMap<String, SmsRecord> records = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<String> newestFirst = new ConcurrentLinkedDeque<>();

  /** How many times each {@code client_ref} of a recorded message was accepted. */
  private final ConcurrentHashMap<String, Integer> sendsByClientRef = new ConcurrentHashMap<>();

  private final AtomicInteger recorded = new AtomicInteger();
  private final int maxRecordedMessages;

  public SmsStore(VonageSandboxProperties properties) {
    this.maxRecordedMessages = properties.maxRecordedMessages();
  }

  /**
   * Records an accepted SMS with the fate its status webhooks will report; answers how many times
   * its {@code client_ref} has been accepted, this time included: 1 when it has none, 0 past the
   * cap, when nothing is recorded.
   */
  public int record(AcceptedSms sms, StatusPlan plan) {
    if (!reserveSlot()) {
      return 0;
    }
    records.put(sms.messageUuid(), SmsRecord.of(sms, plan.outcome(), plan.statusesPlanned()));
    newestFirst.addFirst(sms.messageUuid());
    return sms.clientRef() == null ? 1 : sendsByClientRef.merge(sms.clientRef(), 1, Integer::sum);
  }

  /** Notes that the receiver acknowledged a status; unknown (unrecorded) messages are skipped. */
  public void recordPosted(String messageUuid, String status) {
    records.computeIfPresent(messageUuid, (uuid, record) -> record.withStatusPosted(status));
  }

  public Optional<SmsRecord> find(String messageUuid) {
    return Optional.ofNullable(records.get(messageUuid));
  }

  public List<SmsRecord> newest(int limit) {
    List<SmsRecord> newest = new ArrayList<>(Math.min(limit, records.size()));
    Iterator<String> uuids = newestFirst.iterator();
    while (newest.size() < limit && uuids.hasNext()) {
      SmsRecord record = records.get(uuids.next());
      // A record can vanish under a concurrent clear; it is then skipped, not reported as null.
      if (record != null) {
        newest.add(record);
      }
    }
    return newest;
  }

  public void clear() {
    records.clear();
    newestFirst.clear();
    sendsByClientRef.clear();
    recorded.set(0);
  }

  /**
   * Claims room for one more record, atomically, so concurrent requests cannot overshoot the cap.
   */
  private boolean reserveSlot() {
    int before = recorded.getAndUpdate(n -> n < maxRecordedMessages ? n + 1 : n);
    return before < maxRecordedMessages;
  }
}
