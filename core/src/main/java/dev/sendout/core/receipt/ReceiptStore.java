package dev.sendout.core.receipt;

import dev.sendout.core.channel.email.SendGridEvents;
import dev.sendout.core.receipt.MessageSettlement.Deferral;
import dev.sendout.core.receipt.Receipt.Effect;
import dev.sendout.core.store.StoreErrors;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.core.suppression.SuppressionStore.FromMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

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

  private static final Logger log = LoggerFactory.getLogger(ReceiptStore.class);

  /** Settling effects, in the order in which they are applied within one call. */
  private static final List<Effect> SETTLING =
      List.of(Effect.DELIVERED, Effect.BOUNCED, Effect.DROPPED, Effect.FAILED);

  private static final String INSERT_NEW =
      """
      insert into receipt (provider, event_id, event_type, message_id, provider_message_id,
                           occurred_at, received_at, payload)
      select e.provider, e.event_id, e.event_type, e.message_id::uuid, e.pmid,
             e.occurred_at::timestamptz, ?, e.payload::jsonb
      from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
        as e(provider, event_id, event_type, message_id, pmid, occurred_at, payload)
      on conflict do nothing
      returning event_id""";

  private final DSLContext db;
  private final TransactionTemplate transaction;
  private final MessageSettlement settlement;
  private final SuppressionStore suppressions;
  private final Clock clock;

  public ReceiptStore(
      DSLContext db,
      MessageSettlement settlement,
      SuppressionStore suppressions,
      TransactionTemplate transaction,
      Clock clock) {
    this.db = db;
    this.transaction = transaction;
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

  /**
   * Stores and applies one webhook call's receipts, in one transaction. When Postgres refuses the
   * data of one (see {@link #insertNew}), the call is taken again, its events inserted one at a
   * time: only such a call pays for the savepoints that takes.
   */
  public Ingested ingest(List<Receipt> receipts) {
    try {
      return transaction.execute(status -> ingest(receipts, false));
    } catch (RuntimeException e) {
      if (!StoreErrors.isDataError(e)) {
        throw e;
      }
      return transaction.execute(status -> ingest(receipts, true));
    }
  }

  private Ingested ingest(List<Receipt> receipts, boolean oneByOne) {
    List<Receipt> correlated = correlate(distinct(receipts));
    Set<String> inserted = oneByOne ? insertOneByOne(correlated) : insertNew(correlated);
    int duplicates = receipts.size() - inserted.size();
    Set<BatchKey> woken = new HashSet<>();
    int unmatched = 0;
    Map<Effect, Map<UUID, MessageSettlement.Settling>> settle = new LinkedHashMap<>();
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
            .putIfAbsent(
                r.messageId(), new MessageSettlement.Settling(r.reason(), r.providerMessageId()));
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
   * Keeps our message id where it names one of our messages sent to the receipt's address;
   * otherwise looks the message up by the provider's id and the address, and failing that leaves
   * the receipt unmatched. The address is checked as well as the id because the id alone is no
   * proof: a signed event that names one message's id with another recipient's address (a
   * provider's bug, or a signing key that leaked) must not settle a message it was not about. For
   * the same reason a receipt matches only a message of its provider's channel ({@link
   * #ofItsChannel}): a SendGrid event naming an SMS message's id and number settled it.
   */
  private List<Receipt> correlate(List<Receipt> receipts) {
    Set<UUID> claimed = new HashSet<>();
    for (Receipt r : receipts) {
      if (r.messageId() != null) {
        claimed.add(r.messageId());
      }
    }
    Map<UUID, String> known = settlement.addresses(claimed);
    Set<String> providerIds = new HashSet<>();
    for (Receipt r : receipts) {
      if (!isKnown(r, known) && r.providerMessageId() != null && r.address() != null) {
        providerIds.add(r.providerMessageId());
      }
    }
    Map<String, UUID> byProvider = settlement.byProviderId(providerIds);
    List<Receipt> out = new ArrayList<>(receipts.size());
    for (Receipt r : receipts) {
      UUID id = r.messageId();
      if (!ofItsChannel(r)) {
        id = null;
      } else if (!isKnown(r, known)) {
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

  /**
   * Whether the receipt's address is of its provider's channel: an email address for SendGrid, a
   * phone number for Vonage. The API stores no email address without an {@code @} and no phone
   * number with one, so the address tells a message's channel without a join to its sendout.
   */
  private static boolean ofItsChannel(Receipt r) {
    return r.address() != null
        && (r.address().indexOf('@') >= 0) == SendGridEvents.PROVIDER.equals(r.provider());
  }

  private static boolean isKnown(Receipt r, Map<UUID, String> known) {
    return r.messageId() != null
        && r.address() != null
        && r.address().toLowerCase(Locale.ROOT).equals(known.get(r.messageId()));
  }

  /**
   * Inserts the receipts not stored yet, in one statement; returns the event ids inserted.
   *
   * <p>The columns go as arrays that the driver sends in Postgres's binary array format (text
   * arrays made with {@code createArrayOf}): no element is escaped into an array literal on our
   * side or parsed out of one on the server's. jOOQ binds an array as that literal, which for the
   * events' JSON, full of quotes, was the largest allocation of a 100,000-recipient send
   * (docs/benchmarks.md).
   *
   * <p>An event whose JSON Postgres refuses as {@code jsonb} (a number beyond what its {@code
   * numeric} holds, such as 1e999999999, which any JSON parser takes) failed the whole statement,
   * and so every receipt of the call, at every redelivery: {@link #ingest} then takes the call
   * again with {@link #insertOneByOne}.
   */
  private Set<String> insertNew(List<Receipt> receipts) {
    if (receipts.isEmpty()) {
      return new HashSet<>();
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return db.connectionResult(connection -> insert(connection, now, receipts, false));
  }

  /**
   * {@link #insertNew}, one event at a time, each under a savepoint: an event Postgres refuses is
   * kept as its text, a {@code jsonb} string, and applied like any other.
   */
  private Set<String> insertOneByOne(List<Receipt> receipts) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return db.connectionResult(
        connection -> {
          Set<String> inserted = new HashSet<>();
          for (Receipt receipt : receipts) {
            Savepoint one = connection.setSavepoint();
            try {
              inserted.addAll(insert(connection, now, List.of(receipt), false));
            } catch (SQLException e) {
              if (!StoreErrors.isDataError(e)) {
                throw e;
              }
              connection.rollback(one);
              // Named by our message id, not its event id: the event's text is the caller's, and
              // a signed one wrote lines of its own into the log (a sweep).
              log.warn(
                  "A {} event of message {} is kept as text: Postgres refuses it as it came: {}",
                  receipt.provider(),
                  receipt.messageId(),
                  StoreErrors.reason(e));
              inserted.addAll(insert(connection, now, List.of(receipt), true));
            }
          }
          return inserted;
        });
  }

  private static Set<String> insert(
      Connection connection, OffsetDateTime now, List<Receipt> receipts, boolean payloadAsText)
      throws SQLException {
    int n = receipts.size();
    String[] providers = new String[n];
    String[] eventIds = new String[n];
    String[] types = new String[n];
    String[] messageIds = new String[n];
    String[] providerIds = new String[n];
    String[] occurred = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      Receipt r = receipts.get(i);
      providers[i] = r.provider();
      eventIds[i] = r.eventId();
      types[i] = r.eventType();
      messageIds[i] = r.messageId() == null ? null : r.messageId().toString();
      providerIds[i] = r.providerMessageId();
      occurred[i] = r.occurredAt() == null ? null : r.occurredAt().toString();
      payloads[i] = payloadAsText ? ReceiptPayloads.asJsonString(r.payload()) : r.payload();
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_NEW)) {
      insert.setObject(1, now);
      String[][] columns = {
        providers, eventIds, types, messageIds, providerIds, occurred, payloads
      };
      for (int c = 0; c < columns.length; c++) {
        insert.setArray(c + 2, connection.createArrayOf("text", columns[c]));
      }
      Set<String> inserted = new HashSet<>();
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          inserted.add(rows.getString(1));
        }
      }
      return inserted;
    }
  }
}
