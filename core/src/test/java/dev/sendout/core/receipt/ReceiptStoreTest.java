package dev.sendout.core.receipt;

import static dev.sendout.core.store.jooq.Tables.RECEIPT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.BOUNCED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.DROPPED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sendout.core.CapturedLog;
import dev.sendout.core.StoreTest;
import dev.sendout.core.channel.email.SendGridEvents;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.suppression.SuppressionKey;
import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.receipt.DeliveryTally;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ReceiptStoreTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired MessageSettlement settlement;
  @Autowired ReceiptStore receipts;
  @Autowired SuppressionStore suppressions;
  @Autowired DSLContext db;

  /** A sendout of {@code n} messages, sent as batch 3 and accepted under X-Message-Id "x-...". */
  private record Sent(UUID sendoutId, String xMessageId, List<StoredMessage> messages) {
    StoredMessage get(int seq) {
      return messages.get(seq);
    }
  }

  private Sent sent(int n) {
    return sent(tenant(), n);
  }

  private Sent sent(String tenant, int n) {
    UUID id = sendouts.create(emailSendout(tenant, n, null)).sendout().id();
    sendouts.release(id);
    String xMessageId = "x-" + UUID.randomUUID();
    var claimed = deliveries.claimForSend(id, 3, 0, n);
    deliveries.markAccepted(claimed.stream().map(OutgoingMessage::id).toList(), xMessageId);
    return new Sent(id, xMessageId, messages.page(id, null, -1, n));
  }

  /** A tenant of its own: hard bounces here suppress their addresses for that tenant alone. */
  private static String tenant() {
    return "receipts-" + UUID.randomUUID();
  }

  private StoredMessage reread(StoredMessage m) {
    return messages.find(m.id()).orElseThrow();
  }

  private static String event(String type, StoredMessage m, String extra) {
    return """
        {"email":"%s","timestamp":1700000000,"event":"%s","sg_event_id":"%s",
         "sg_message_id":"%s.filterdrecv-1.0","message_id":"%s"%s}"""
        .formatted(m.address(), type, UUID.randomUUID(), "x", m.id(), extra);
  }

  private ReceiptStore.Ingested ingest(String... events) {
    return receipts.ingest(
        SendGridEvents.parse(
            ("[" + String.join(",", events) + "]").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void deliveredReceiptSettlesTheMessageAndNamesTheBatchToWake() {
    Sent s = sent(2);

    var ingested = ingest(event("processed", s.get(0), ""), event("delivered", s.get(0), ""));

    assertThat(reread(s.get(0)).status()).isEqualTo(DELIVERED);
    assertThat(reread(s.get(0)).finishedAt()).isNotNull();
    assertThat(reread(s.get(1)).status()).isEqualTo(ACCEPTED);
    assertThat(ingested.received()).isEqualTo(2);
    assertThat(ingested.duplicates()).isZero();
    assertThat(ingested.batches()).containsExactly(new BatchKey(s.sendoutId(), 3));
  }

  /**
   * A signed event whose id held a lone surrogate (escaped in its JSON) was stored under an id with
   * {@code ?} for it, which the store then did not find among what it inserted: stored, answered
   * 200, never applied (a hostile sweep).
   */
  @Test
  void anEventWhoseIdCannotBeStoredAsItCameIsAppliedOnceAllTheSame() {
    Sent s = sent(2);
    String lone =
        "{\"email\":\"%s\",\"timestamp\":1700000000,\"event\":\"delivered\","
            + "\"sg_event_id\":\"id-\\ud800-%s\",\"message_id\":\"%s\"}";
    String first = lone.formatted(s.get(0).address(), "a", s.get(0).id());
    String withNul =
        lone.replace("\\ud800", "\\u0000").formatted(s.get(1).address(), "b", s.get(1).id());

    var ingested = ingest(first, withNul);
    var again = ingest(first, withNul);

    assertThat(reread(s.get(0)).status()).isEqualTo(DELIVERED);
    assertThat(reread(s.get(1)).status()).isEqualTo(DELIVERED);
    assertThat(ingested.duplicates()).isZero();
    assertThat(again.duplicates()).as("redelivered: found by the same id").isEqualTo(2);
  }

  /**
   * The line that says an event is kept as text named its event id, which a signed call chose: an
   * id with a line break wrote a forged line, with an address, into the log (a sweep).
   */
  @Test
  void anEventKeptAsTextIsNamedInTheLogByOurMessageIdNotItsOwnText() {
    Sent s = sent(1);
    try (CapturedLog log = CapturedLog.of(ReceiptStore.class)) {
      ingest(
          """
          {"email":"%s","timestamp":1700000000,"event":"delivered","message_id":"%s",\
          "sg_event_id":"inj\\nERROR FAKE leaked victim@example.com","huge":1e999999999}"""
              .formatted(s.get(0).address(), s.get(0).id()));

      assertThat(reread(s.get(0)).status()).isEqualTo(DELIVERED);
      assertThat(log.events())
          .singleElement()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .contains(s.get(0).id().toString())
          .doesNotContain("FAKE")
          .doesNotContain("victim");
    }
  }

  /**
   * One event with a number beyond Postgres's numeric (any JSON parser takes 1e999999999) failed
   * the insert of every event of its call, at every redelivery (a hostile sweep): the others are
   * stored and applied, and that one is kept as its text, and applied too.
   */
  @Test
  void anEventPostgresRefusesAsJsonIsKeptAsTextAndTheOthersOfItsCallAsThemselves() {
    Sent s = sent(3);

    var ingested =
        ingest(
            event("delivered", s.get(0), ""),
            event("delivered", s.get(1), ",\"huge\":1e999999999"),
            event("delivered", s.get(2), ""));

    assertThat(s.messages()).allSatisfy(m -> assertThat(reread(m).status()).isEqualTo(DELIVERED));
    assertThat(ingested.duplicates()).isZero();
    assertThat(
            db.select(DSL.field("jsonb_typeof(payload)", String.class))
                .from(RECEIPT)
                .where(RECEIPT.MESSAGE_ID.in(s.get(0).id(), s.get(1).id()))
                .orderBy(RECEIPT.MESSAGE_ID.eq(s.get(1).id()))
                .fetch(0, String.class))
        .containsExactly("object", "string");
  }

  @Test
  void redeliveredEventsAreStoredOnceAndAppliedOnce() {
    Sent s = sent(1);
    String deferred =
        event("deferred", s.get(0), ",\"response\":\"421 try later\",\"attempt\":\"1\"");

    ingest(deferred, deferred);
    var again = ingest(deferred, deferred, deferred);

    assertThat(again.duplicates()).isEqualTo(3);
    assertThat(again.batches()).isEmpty();
    StoredMessage m = reread(s.get(0));
    assertThat(m.status()).isEqualTo(ACCEPTED);
    assertThat(m.deferralCount()).isEqualTo(1);
    assertThat(m.lastError()).isEqualTo("Deferred (attempt 1): 421 try later");
  }

  @Test
  void everyOrderOfProcessedDeliveredAndBounceEndsBouncedAndWithoutBounceDelivered() {
    for (List<String> order : permutations(List.of("processed", "delivered", "bounce"))) {
      Sent s = sent(2);
      for (String type : order) {
        ingest(event(type, s.get(0), ",\"type\":\"bounce\",\"reason\":\"550 no such user\""));
        if (!type.equals("bounce")) {
          ingest(event(type, s.get(1), ""));
        }
      }
      assertThat(reread(s.get(0)).status()).as("order %s", order).isEqualTo(BOUNCED);
      assertThat(reread(s.get(0)).lastError()).isEqualTo("bounce: 550 no such user");
      assertThat(reread(s.get(1)).status()).as("order %s", order).isEqualTo(DELIVERED);
    }
  }

  @Test
  void aBounceInTheSameCallAsTheDeliveryWinsWhateverTheirOrder() {
    Sent s = sent(2);
    String bounce = ",\"type\":\"blocked\",\"reason\":\"554 blocked\"";

    ingest(event("bounce", s.get(0), bounce), event("delivered", s.get(0), ""));
    ingest(event("delivered", s.get(1), ""), event("bounce", s.get(1), bounce));

    assertThat(reread(s.get(0)).status()).isEqualTo(BOUNCED);
    assertThat(reread(s.get(1)).status()).isEqualTo(BOUNCED);
    assertThat(reread(s.get(1)).lastError()).isEqualTo("blocked: 554 blocked");
  }

  @Test
  void aDropIsFinalAndALateProcessedNeverMovesAMessageBack() {
    Sent s = sent(1);

    ingest(event("dropped", s.get(0), ",\"reason\":\"Bounced Address\""));
    ingest(event("processed", s.get(0), ""), event("delivered", s.get(0), ""));

    assertThat(reread(s.get(0)).status()).isEqualTo(DROPPED);
    assertThat(reread(s.get(0)).lastError()).isEqualTo("Bounced Address");
  }

  @Test
  void aReceiptThatOvertakesOurRecordOfAcceptanceIsKeptWhenTheAcceptanceIsWritten() {
    UUID id = sendouts.create(emailSendout(tenant(), 1, null)).sendout().id();
    sendouts.release(id);
    var refused = deliveries.claimForSend(id, 0, 0, 1);
    deliveries.unclaim(List.of(refused.get(0).id()), "SendGrid 503"); // an earlier attempt
    var claimed = deliveries.claimForSend(id, 0, 0, 1);
    StoredMessage inFlight = messages.page(id, null, -1, 1).get(0);

    ingest(event("delivered", inFlight, ""));
    deliveries.markAccepted(List.of(claimed.get(0).id()), "x-late");

    StoredMessage m = reread(inFlight);
    assertThat(m.status()).isEqualTo(DELIVERED);
    assertThat(m.providerMessageId()).isEqualTo("x-late");
    assertThat(m.acceptedAt()).isNotNull();
    assertThat(m.lastError()).as("the earlier attempt's, no longer the message's").isNull();
  }

  /**
   * A worker killed mid-call leaves the send in doubt: UNCONFIRMED, with neither the provider's id
   * nor the acceptance's time. Its receipt proves both; without them its reminders were never made
   * and a later bounce without our id matched nothing, so the address was never suppressed.
   */
  @Test
  void aReceiptForASendInDoubtRecordsTheAcceptanceForItsRemindersAndLaterBounces() {
    UUID id = sendouts.create(emailSendout(tenant(), 1, null)).sendout().id();
    sendouts.release(id);
    deliveries.claimForSend(id, 0, 0, 1);
    deliveries.claimForSend(id, 0, 0, 1); // the retry: in doubt
    StoredMessage inDoubt = messages.page(id, null, -1, 1).get(0);
    assertThat(inDoubt.status()).isEqualTo(UNCONFIRMED);

    ingest(event("delivered", inDoubt, ""));
    StoredMessage delivered = reread(inDoubt);
    String bounceWithoutOurId =
        """
        {"email":"%s","timestamp":1700000000,"event":"bounce","type":"bounce","reason":"550",
         "sg_event_id":"%s","sg_message_id":"x.filterdrecv-1.0"}"""
            .formatted(inDoubt.address(), UUID.randomUUID());
    var bounced = ingest(bounceWithoutOurId);

    assertThat(delivered.status()).isEqualTo(DELIVERED);
    assertThat(delivered.acceptedAt()).isNotNull();
    assertThat(delivered.providerMessageId()).isEqualTo("x");
    assertThat(inDoubt.lastError()).contains("outcome unknown");
    assertThat(delivered.lastError()).as("the doubt is over").isNull();
    assertThat(bounced.unmatched()).isZero();
    assertThat(reread(inDoubt).lastError()).isEqualTo("bounce: 550");
    assertThat(reread(inDoubt).status()).isEqualTo(BOUNCED);
  }

  @Test
  void aReceiptWithoutOurIdIsMatchedByTheProviderIdAndTheAddress() {
    Sent s = sent(3);
    StoredMessage target = s.get(1);
    String withoutCustomArgs =
        """
        {"email":"%s","timestamp":1700000000,"event":"bounce","type":"bounce",
         "reason":"550 gone","sg_event_id":"%s","sg_message_id":"%s.filterdrecv-9.0"}"""
            .formatted(target.address().toUpperCase(), UUID.randomUUID(), s.xMessageId());

    var ingested = ingest(withoutCustomArgs);

    assertThat(ingested.unmatched()).isZero();
    assertThat(reread(target).status()).isEqualTo(BOUNCED);
    assertThat(reread(s.get(0)).status()).isEqualTo(ACCEPTED);
  }

  @Test
  void aReceiptThatNamesOurIdWithAnotherAddressSettlesNothing() {
    Sent mine = sent(2);
    Sent theirs = sent(1);
    StoredMessage target = theirs.get(0);
    String otherAddress =
        """
        {"email":"%s","timestamp":1700000000,"event":"bounce","type":"bounce",
         "reason":"550 gone","sg_event_id":"%s","sg_message_id":"%s.filterdrecv-9.0",
         "message_id":"%s"}"""
            .formatted(mine.get(1).address(), UUID.randomUUID(), mine.xMessageId(), target.id());
    String noAddress =
        """
        {"timestamp":1700000000,"event":"delivered","sg_event_id":"%s","message_id":"%s"}"""
            .formatted(UUID.randomUUID(), target.id());

    var ingested = ingest(otherAddress, noAddress);

    assertThat(reread(target).status()).isEqualTo(ACCEPTED);
    assertThat(ingested.batches()).doesNotContain(new BatchKey(theirs.sendoutId(), 3));
    assertThat(ingested.unmatched()).as("the bounce is still its own address's").isOne();
    assertThat(reread(mine.get(1)).status()).isEqualTo(BOUNCED);
  }

  /** A SendGrid-signed event settled an SMS message, and would have suppressed its number. */
  @Test
  void aReceiptMatchesOnlyAMessageOfItsProvidersChannel() {
    UUID id = sendouts.create(smsSendout(1)).sendout().id();
    sendouts.release(id);
    var claimed = deliveries.claimForSend(id, 0, 0, 1);
    deliveries.markAccepted(List.of(claimed.get(0).id()), "vonage-uuid");
    StoredMessage sms = messages.page(id, null, -1, 1).get(0);

    var ingested = ingest(event("spamreport", sms, ""), event("delivered", sms, ""));

    assertThat(ingested.unmatched()).isEqualTo(2);
    assertThat(reread(sms).status()).isEqualTo(ACCEPTED);
  }

  @Test
  void receiptsForUnknownMessagesAreKeptAndCountedNotFailed() {
    String unknown =
        """
        {"email":"nobody@example.com","timestamp":1700000000,"event":"delivered",
         "sg_event_id":"%s","sg_message_id":"unknown.filter.0","message_id":"%s"}"""
            .formatted(UUID.randomUUID(), UUID.randomUUID());
    String notEvenOurs =
        """
        {"email":"x@example.com","event":"open","sg_event_id":"%s","message_id":"not-a-uuid"}"""
            .formatted(UUID.randomUUID());

    var ingested = ingest(unknown, notEvenOurs);

    assertThat(ingested.unmatched()).isEqualTo(2);
    assertThat(ingested.duplicates()).isZero();
    assertThat(ingest(unknown).duplicates()).as("stored, so a redelivery is a duplicate").isOne();
  }

  @Test
  void aReceiptIsStoredAsVerifiedWithItsEventTextIntactAndTheFieldsItWasMatchedBy() {
    Sent s = sent(1);
    String reason = "550 \\\"quoted\\\", {braces}, a backslash \\\\ and ünïcödé";
    String bounce = event("bounce", s.get(0), ",\"type\":\"bounce\",\"reason\":\"" + reason + "\"");
    String unknownId = "unknown-" + UUID.randomUUID();
    String unknown =
        """
        {"event":"open","sg_event_id":"%s","email":"x@example.com"}"""
            .formatted(unknownId);

    ingest(bounce, unknown);

    var rows =
        db.resultQuery(
                "select event_type, message_id, provider_message_id, occurred_at, payload->>'reason'"
                    + " from receipt where message_id = ? or event_id = ? order by event_type",
                s.get(0).id(),
                unknownId)
            .fetch();
    assertThat(rows).hasSize(2);
    var stored = rows.get(0);
    assertThat(stored.get(0, String.class)).isEqualTo("bounce");
    assertThat(stored.get(1, UUID.class)).isEqualTo(s.get(0).id());
    assertThat(stored.get(2, String.class)).isEqualTo("x");
    assertThat(stored.get(3, OffsetDateTime.class).toInstant())
        .isEqualTo(Instant.ofEpochSecond(1700000000));
    assertThat(stored.get(4, String.class))
        .isEqualTo("550 \"quoted\", {braces}, a backslash \\ and ünïcödé");
    var unmatched = rows.get(1);
    assertThat(unmatched.get(0, String.class)).isEqualTo("open");
    assertThat(unmatched.get(1)).isNull();
    assertThat(unmatched.get(3)).isNull();
  }

  @Test
  void anEventWithAnEscapedLoneSurrogateIsStoredAndApplied() {
    Sent s = sent(1);
    String cut = ",\"type\":\"bounce\",\"reason\":\"550 mailbox full \\ud83d\"";

    var ingested = ingest(event("bounce", s.get(0), cut));

    assertThat(ingested.duplicates()).isZero();
    assertThat(reread(s.get(0)).status()).isEqualTo(BOUNCED);
  }

  @Test
  void anEventWithANulOrFieldsTooWideForTheirColumnsIsStoredAndAppliedWithTheOthersOfItsCall() {
    Sent s = sent(3);
    String nul = ",\"type\":\"bounce\",\"reason\":\"550 \\u0000 no such user\",\"x\\u0000\":1";
    String wide =
        event("delivered", s.get(1), "").replace("\"x.filterdrecv", "\"" + "x".repeat(300) + ".f");

    // Postgres refused the NUL and the widths, and with them the whole call, again at every retry.
    var ingested =
        ingest(
            event("bounce", s.get(0), nul),
            wide,
            event("delivered", s.get(2), "").replace("\"delivered\"", "\"" + "e".repeat(40) + "\""),
            event("delivered", s.get(2), ""));

    assertThat(ingested.received()).isEqualTo(4);
    assertThat(reread(s.get(0)).status()).isEqualTo(BOUNCED);
    assertThat(reread(s.get(0)).lastError()).isEqualTo("bounce: 550 \uFFFD no such user");
    assertThat(reread(s.get(1)).status()).isEqualTo(DELIVERED);
    assertThat(reread(s.get(2)).status()).isEqualTo(DELIVERED);
  }

  @Test
  void atTheDeadlineAcceptedMessagesBecomeUnconfirmedAndALateReceiptStillSettlesThem() {
    Sent s = sent(3);
    ingest(event("delivered", s.get(0), ""));

    SendBatch batch = new SendBatch(s.sendoutId().toString(), 3, 0, 3);
    int expired = settlement.expireAwaitingReceipt(batch, "No receipt within PT24H");
    var atDeadline = settlement.batchReceipts(batch, 10);

    assertThat(expired).isEqualTo(2);
    assertThat(atDeadline.tally()).isEqualTo(new DeliveryTally(0, 1, 0, 0, 0, 2));
    assertThat(atDeadline.unconfirmedSince()).isNotNull();
    assertThat(atDeadline.unconfirmedSample())
        .containsExactly(s.get(1).id().toString(), s.get(2).id().toString());
    assertThat(reread(s.get(1)).lastError()).isEqualTo("No receipt within PT24H");

    var late = ingest(event("delivered", s.get(1), ""));

    assertThat(late.batches()).containsExactly(new BatchKey(s.sendoutId(), 3));
    assertThat(reread(s.get(1)).status()).isEqualTo(DELIVERED);
    assertThat(settlement.batchReceipts(batch, 10).tally())
        .isEqualTo(new DeliveryTally(0, 2, 0, 0, 0, 1));
    assertThat(settlement.unconfirmed(s.sendoutId(), 10).sample()).containsExactly(s.get(2).id());
    assertThat(reread(s.get(2)).status()).isEqualTo(UNCONFIRMED);
  }

  @Test
  void malformedBodiesAreRefusedBeforeAnythingIsStored() {
    for (String body : List.of("{}", "[1]", "[{\"email\":\"a@b.c\"}]", "[{", "")) {
      assertThatThrownBy(() -> SendGridEvents.parse(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .isInstanceOf(SendGridEvents.MalformedEventsException.class);
    }
  }

  private static List<List<String>> permutations(List<String> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<String>> out = new ArrayList<>();
    for (String first : items) {
      List<String> rest = new ArrayList<>(items);
      rest.remove(first);
      for (List<String> tail : permutations(rest)) {
        List<String> p = new ArrayList<>();
        p.add(first);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }

  private SuppressionReason suppressedFor(String tenant, StoredMessage m) {
    return suppressions
        .lookup(tenant, SuppressionKey.of(m.address()))
        .map(SuppressionStore.Entry::reason)
        .orElse(null);
  }

  @Test
  void hardBouncesSpamReportsUnsubscribesAndSuppressionDropsSuppressTheAddressForItsTenant() {
    String tenant = tenant();
    Sent s = sent(tenant, 8);

    ingest(
        event("bounce", s.get(0), ",\"type\":\"bounce\",\"reason\":\"550 no such user\""),
        event("bounce", s.get(1), ",\"type\":\"blocked\",\"reason\":\"554 blocked\""),
        event("spamreport", s.get(2), ""),
        event("unsubscribe", s.get(3), ""),
        event("group_unsubscribe", s.get(4), ",\"asm_group_id\":7"),
        event("dropped", s.get(5), ",\"reason\":\"Unsubscribed Address\""),
        event("dropped", s.get(6), ",\"reason\":\"Spam Reporting Address\""),
        event("dropped", s.get(7), ",\"reason\":\"Invalid\""));

    assertThat(suppressedFor(tenant, s.get(0))).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(suppressedFor(tenant, s.get(1))).as("a block is not a hard bounce").isNull();
    assertThat(suppressedFor(tenant, s.get(2))).isEqualTo(SuppressionReason.SPAM_REPORT);
    assertThat(suppressedFor(tenant, s.get(3))).isEqualTo(SuppressionReason.UNSUBSCRIBED);
    assertThat(suppressedFor(tenant, s.get(4))).isEqualTo(SuppressionReason.UNSUBSCRIBED);
    assertThat(suppressedFor(tenant, s.get(5))).isEqualTo(SuppressionReason.UNSUBSCRIBED);
    assertThat(suppressedFor(tenant, s.get(6))).isEqualTo(SuppressionReason.SPAM_REPORT);
    assertThat(suppressedFor(tenant, s.get(7))).as("an invalid address is not suppressed").isNull();
    assertThat(suppressedFor(tenant(), s.get(0))).as("another tenant's list").isNull();
    assertThat(reread(s.get(2)).status()).as("a spam report settles nothing").isEqualTo(ACCEPTED);
  }

  @Test
  void theSuppressionNamesTheEventAndARedeliveryChangesNothing() {
    String tenant = tenant();
    Sent s = sent(tenant, 1);
    String bounce = event("bounce", s.get(0), ",\"type\":\"bounce\",\"reason\":\"550 gone\"");
    String eventId = bounce.replaceAll("(?s).*\"sg_event_id\":\"([^\"]+)\".*", "$1");

    ingest(bounce);
    var again = ingest(bounce, event("spamreport", s.get(0), ""));

    assertThat(again.duplicates()).isOne();
    var entry = suppressions.lookup(tenant, SuppressionKey.of(s.get(0).address())).orElseThrow();
    assertThat(entry.reason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(entry.source()).isEqualTo("sendgrid:bounce:" + eventId);
  }

  /** Found by a security audit: a signed bounce for a message still QUEUED suppressed it. */
  @Test
  void anEventForAMessageNeverSentSuppressesNothing() {
    String tenant = tenant();
    UUID id = sendouts.create(emailSendout(tenant, 1, null)).sendout().id();
    StoredMessage queued = messages.page(id, null, -1, 1).get(0);

    ingest(event("bounce", queued, ",\"type\":\"bounce\",\"reason\":\"550 gone\""));

    assertThat(suppressedFor(tenant, queued)).isNull();
    assertThat(reread(queued).status()).isEqualTo(QUEUED);
  }

  @Test
  void anEventForNoMessageOfOursSuppressesNothingForItNamesNoTenant() {
    String spam =
        """
        {"email":"stranger@example.com","event":"spamreport","sg_event_id":"%s",
         "message_id":"%s"}"""
            .formatted(UUID.randomUUID(), UUID.randomUUID());

    var ingested = ingest(spam);

    assertThat(ingested.unmatched()).isOne();
  }
}
