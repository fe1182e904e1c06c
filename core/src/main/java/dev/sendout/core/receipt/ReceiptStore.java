package dev.sendout.core.receipt;

import static dev.sendout.core.store.jooq.Tables.RECEIPT;

import dev.sendout.core.receipt.MessageSettlement.Deferral;
import dev.sendout.core.receipt.Receipt.Effect;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.core.suppression.SuppressionStore.FromMessage;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores verified receipts and applies them to their messages, in one transaction, so that a
 * receipt answered 2xx is never lost and never applied twice.
 *
 * <p>Deduplication rests on the receipt table's primary key (provider, event id): the insert skips
 * events already stored, and only the events it actually inserted are applied. Two deliveries of
 * the same event racing in two transactions are serialised by that key, so one applies it and the
 * other skips it.
 *
 * <p>Applying is monotonic and order-independent because it only ever asks the message state
 * machine for a forward move ({@code WHERE status IN predecessorsOf(target)}): a late "processed"
 * changes nothing, a "delivered" after a bounce changes nothing, a bounce after "delivered" wins.
 * Within one call, deliveries are applied before bounces and drops, for the same reason.
 *
 * <p>Events that suppress their recipient (a hard bounce, a spam report, an unsubscribe) put the
 * message's address on its tenant's suppression list in the same transaction, so that the list is
 * as durable as the receipt answered 2xx. An event that matches none of our messages names no
 * tenant, and suppresses nothing.
 */
@Repository
public class ReceiptStore {

  /** Settling effects, in the order in which they are applied within one call. */
  private static final List<Effect> SETTLING =
      List.of(Effect.DELIVERED, Effect.BOUNCED, Effect.DROPPED, Effect.FAILED);

  private final DSLContext db;
  private final MessageSettlement settlement;
  private final SuppressionStore suppressions;
  private final Clock clock;

  public ReceiptStore(
      DSLContext db, MessageSettlement settlement, SuppressionStore suppressions, Clock clock) {
    this.db = db;
    this.settlement = settlement;
    this.suppressions = suppressions;
    this.clock = clock;
  }

  /**
   * What one call stored and changed.
   *
   * @param received events in the call
   * @param duplicates events stored before (by an earlier delivery, or twice in this call)
   * @param unmatched new events that matched none of our messages; stored all the same
   * @param batches the batches whose messages changed, to be woken
   */
  public record Ingested(int received, int duplicates, int unmatched, Set<BatchKey> batches) {}

  @Transactional
  public Ingested ingest(List<Receipt> receipts) {
    List<Receipt> correlated = correlate(distinct(receipts));
    Set<String> inserted = insertNew(correlated);
    int duplicates = receipts.size() - inserted.size();
    Set<BatchKey> woken = new HashSet<>();
    int unmatched = 0;
    Map<Effect, Map<UUID, String>> settle = new LinkedHashMap<>();
    Map<UUID, Deferral> deferrals = new LinkedHashMap<>();
    List<FromMessage> suppress = new ArrayList<>();
    for (Receipt r : correlated) {
      if (!inserted.remove(r.eventId())) {
        continue;
      }
      if (r.messageId() == null) {
        unmatched++;
        continue;
      }
      if (r.suppresses() != null) {
        suppress.add(new FromMessage(r.messageId(), r.suppresses(), source(r)));
      }
      if (r.effect().target() != null) {
        settle
            .computeIfAbsent(r.effect(), e -> new LinkedHashMap<>())
            .putIfAbsent(r.messageId(), r.reason());
      } else if (r.effect() == Effect.DEFERRED) {
        deferrals.merge(
            r.messageId(),
            new Deferral(1, r.reason()),
            (a, b) -> new Deferral(a.count() + b.count(), b.reason()));
      }
    }
    for (Effect effect : SETTLING) {
      woken.addAll(
          settlement.settleByReceipt(effect.target(), settle.getOrDefault(effect, Map.of())));
    }
    settlement.noteDeferrals(deferrals);
    suppressions.addForMessages(suppress);
    return new Ingested(receipts.size(), duplicates, unmatched, woken);
  }

  /** What put an address on the list: the provider, the event and its id. */
  private static String source(Receipt r) {
    return "%s:%s:%s".formatted(r.provider().toLowerCase(Locale.ROOT), r.eventType(), r.eventId());
  }

  /** The first of each event id: a provider may repeat an event within one call too. */
  private static List<Receipt> distinct(List<Receipt> receipts) {
    Set<String> seen = new HashSet<>();
    return receipts.stream().filter(r -> seen.add(r.eventId())).toList();
  }

  /**
   * Keeps our message id where it names one of our messages; otherwise looks the message up by the
   * provider's id and the address, and failing that leaves the receipt unmatched.
   */
  private List<Receipt> correlate(List<Receipt> receipts) {
    Set<UUID> claimed = new HashSet<>();
    for (Receipt r : receipts) {
      if (r.messageId() != null) {
        claimed.add(r.messageId());
      }
    }
    Set<UUID> known = settlement.existing(claimed);
    Set<String> providerIds = new HashSet<>();
    for (Receipt r : receipts) {
      if (!isKnown(r.messageId(), known) && r.providerMessageId() != null && r.address() != null) {
        providerIds.add(r.providerMessageId());
      }
    }
    Map<String, UUID> byProvider = settlement.byProviderId(providerIds);
    List<Receipt> out = new ArrayList<>(receipts.size());
    for (Receipt r : receipts) {
      UUID id = r.messageId();
      if (!isKnown(id, known)) {
        id =
            r.providerMessageId() == null || r.address() == null
                ? null
                : byProvider.get(MessageSettlement.providerKey(r.providerMessageId(), r.address()));
      }
      out.add(
          new Receipt(
              r.provider(),
              r.eventId(),
              r.eventType(),
              id,
              r.providerMessageId(),
              r.address(),
              r.occurredAt(),
              r.effect(),
              r.reason(),
              r.payload(),
              r.suppresses()));
    }
    return out;
  }

  private static boolean isKnown(UUID messageId, Set<UUID> known) {
    return messageId != null && known.contains(messageId);
  }

  /** Inserts the receipts not stored yet, in one statement; returns the event ids inserted. */
  private Set<String> insertNew(List<Receipt> receipts) {
    if (receipts.isEmpty()) {
      return new HashSet<>();
    }
    int n = receipts.size();
    String[] providers = new String[n];
    String[] eventIds = new String[n];
    String[] types = new String[n];
    UUID[] messageIds = new UUID[n];
    String[] providerIds = new String[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      Receipt r = receipts.get(i);
      providers[i] = r.provider();
      eventIds[i] = r.eventId();
      types[i] = r.eventType();
      messageIds[i] = r.messageId();
      providerIds[i] = r.providerMessageId();
      occurred[i] = r.occurredAt() == null ? null : r.occurredAt().atOffset(ZoneOffset.UTC);
      payloads[i] = r.payload();
    }
    var e =
        DSL.table(
                "unnest({0}, {1}, {2}, {3}, {4}, {5}, {6})",
                DSL.val(providers),
                DSL.val(eventIds),
                DSL.val(types),
                DSL.val(messageIds),
                DSL.val(providerIds),
                DSL.val(occurred),
                DSL.val(payloads))
            .as(
                "e",
                "provider",
                "event_id",
                "event_type",
                "message_id",
                "pmid",
                "occurred_at",
                "payload");
    return db.insertInto(
            RECEIPT,
            RECEIPT.PROVIDER,
            RECEIPT.EVENT_ID,
            RECEIPT.EVENT_TYPE,
            RECEIPT.MESSAGE_ID,
            RECEIPT.PROVIDER_MESSAGE_ID,
            RECEIPT.OCCURRED_AT,
            RECEIPT.RECEIVED_AT,
            RECEIPT.PAYLOAD)
        .select(
            DSL.select(
                    DSL.field(DSL.name("e", "provider"), String.class),
                    DSL.field(DSL.name("e", "event_id"), String.class),
                    DSL.field(DSL.name("e", "event_type"), String.class),
                    DSL.field(DSL.name("e", "message_id"), UUID.class),
                    DSL.field(DSL.name("e", "pmid"), String.class),
                    DSL.field(DSL.name("e", "occurred_at"), OffsetDateTime.class),
                    DSL.val(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)),
                    DSL.field("{0}::jsonb", JSONB.class, DSL.field(DSL.name("e", "payload"))))
                .from(e))
        .onConflictDoNothing()
        .returningResult(RECEIPT.EVENT_ID)
        .fetchSet(RECEIPT.EVENT_ID);
  }
}
