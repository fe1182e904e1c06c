package dev.sendout.core.channel.sms;

import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.receipt.BatchKey;
import dev.sendout.core.receipt.ReceiptStore;
import dev.sendout.core.sendout.SendoutStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Vonage status webhooks, parsed from their JSON and applied by the shared receipt store. */
class VonageStatusesTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired ReceiptStore receipts;

  /** An SMS sendout of {@code n} messages, claimed as batch 2; accepted unless said otherwise. */
  private List<StoredMessage> sent(int n, boolean accepted) {
    UUID id = sendouts.create(smsSendout(n)).sendout().id();
    sendouts.release(id);
    for (OutgoingMessage m : deliveries.claimForSend(id, 2, 0, n)) {
      if (accepted) {
        deliveries.markAccepted(List.of(m.id()), uuidOf(m.id()));
      }
    }
    return messages.page(id, null, -1, n);
  }

  /** The message_uuid Vonage gave each message, derived from our id so tests can name it. */
  private static String uuidOf(UUID messageId) {
    return UUID.nameUUIDFromBytes(messageId.toString().getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String status(StoredMessage m, String status, String at, String clientRef) {
    String error =
        status.equals("rejected") || status.equals("undeliverable")
            ? ",\"error\":{\"type\":\"https://developer.vonage.com/api-errors/messages#1320\","
                + "\"title\":1320,\"detail\":\"Number unreachable\"}"
            : "";
    String ref = clientRef == null ? "" : ",\"client_ref\":\"" + clientRef + "\"";
    return """
        {"message_uuid":"%s","to":"%s","from":"Surveys","timestamp":"%s","status":"%s",\
        "channel":"sms","usage":{"currency":"EUR","price":"0.0333"}%s%s}"""
        .formatted(uuidOf(m.id()), m.address().substring(1), at, status, ref, error);
  }

  private static String status(StoredMessage m, String status, String at) {
    return status(m, status, at, m.id().toString());
  }

  private ReceiptStore.Ingested ingest(String body) {
    return receipts.ingest(List.of(VonageStatuses.parse(body.getBytes(StandardCharsets.UTF_8))));
  }

  private StoredMessage reread(StoredMessage m) {
    return messages.find(m.id()).orElseThrow();
  }

  @Test
  void submittedKeepsTheMessageAcceptedAndDeliveredSettlesIt() {
    StoredMessage m = sent(1, true).get(0);

    var submitted = ingest(status(m, "submitted", "2026-11-29T12:00:00.100Z"));
    assertThat(reread(m).status()).isEqualTo(ACCEPTED);
    assertThat(submitted.batches()).isEmpty();

    var delivered = ingest(status(m, "delivered", "2026-11-29T12:00:03.000Z"));
    assertThat(reread(m).status()).isEqualTo(DELIVERED);
    assertThat(reread(m).finishedAt()).isNotNull();
    assertThat(delivered.batches()).extracting(BatchKey::batchNo).containsExactly(2);
  }

  /** A signed status or inbound SMS with a byte order mark before its JSON was a 400 (a sweep). */
  @Test
  void aStatusWithAByteOrderMarkIsApplied() {
    StoredMessage m = sent(1, true).get(0);

    ingest("\uFEFF" + status(m, "delivered", "2026-11-29T12:00:03.000Z"));

    assertThat(reread(m).status()).isEqualTo(DELIVERED);
    byte[] inbound =
        "\uFEFF{\"message_uuid\":\"u1\",\"from\":\"447700900000\",\"to\":\"447700900001\",\"text\":\"STOP\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(VonageInbound.parse(inbound).text()).isEqualTo("STOP");
  }

  @Test
  void aLateSubmittedNeverUndoesDelivered() {
    StoredMessage m = sent(1, true).get(0);

    ingest(status(m, "delivered", "2026-11-29T12:00:03.000Z"));
    ingest(status(m, "submitted", "2026-11-29T12:00:00.100Z"));

    assertThat(reread(m).status()).isEqualTo(DELIVERED);
  }

  @Test
  void rejectedAndUndeliverableFailTheMessageWithVonagesError() {
    List<StoredMessage> s = sent(2, true);

    ingest(status(s.get(0), "rejected", "2026-11-29T12:00:01.000Z"));
    ingest(status(s.get(1), "submitted", "2026-11-29T12:00:01.000Z"));
    ingest(status(s.get(1), "undeliverable", "2026-11-29T12:00:09.000Z"));

    assertThat(reread(s.get(0)).status()).isEqualTo(FAILED);
    assertThat(reread(s.get(0)).lastError()).isEqualTo("rejected: 1320 Number unreachable");
    assertThat(reread(s.get(1)).status()).isEqualTo(FAILED);
    assertThat(reread(s.get(1)).lastError()).isEqualTo("undeliverable: 1320 Number unreachable");
  }

  @Test
  void aStatusWithAnEscapedNulOrLoneSurrogateIsStoredAndApplied() {
    List<StoredMessage> s = sent(2, true);

    // Postgres refused both, so the status was a 400 at every one of Vonage's retries.
    ingest(
        status(s.get(0), "rejected", "2026-11-29T12:00:01.000Z")
            .replace("Number unreachable", "Number \\u0000unreachable"));
    ingest(
        status(s.get(1), "rejected", "2026-11-29T12:00:01.000Z")
            .replace("Number unreachable", "Number unreachable \\ud83d"));

    assertThat(reread(s.get(0)).status()).isEqualTo(FAILED);
    assertThat(reread(s.get(0)).lastError()).isEqualTo("rejected: 1320 Number \uFFFDunreachable");
    assertThat(reread(s.get(1)).status()).isEqualTo(FAILED);
  }

  /** Postgres refused both, so the status was a 400 at every one of Vonage's retries. */
  @Test
  void aTimeNoDatabaseStoresIsLeftOutAndTextAfterTheStatusIsMalformed() {
    StoredMessage m = sent(1, true).get(0);
    for (String at : List.of("0000-01-01T00:00:00Z", "+99999-01-01T00:00:00Z")) {
      String body = status(m, "delivered", at);
      assertThat(VonageStatuses.parse(body.getBytes(StandardCharsets.UTF_8)).occurredAt()).isNull();
    }
    byte[] trailing =
        (status(m, "delivered", "2026-11-29T12:00:01.000Z") + " {\"x\":1}")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> VonageStatuses.parse(trailing))
        .isInstanceOf(VonageStatuses.MalformedStatusException.class);
    byte[] inbound =
        ("{\"message_uuid\":\"u1\",\"from\":\"447700900000\",\"to\":\"4477\u00c0\u0080\","
                + "\"text\":\"STOP\"}")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThat(VonageInbound.parse(inbound).to()).doesNotContain("\u0000");
  }

  @Test
  void aStatusThatOvertakesOurOwnRecordOfTheAcceptanceIsKept() {
    StoredMessage m = sent(1, false).get(0);

    ingest(status(m, "rejected", "2026-11-29T12:00:01.000Z"));
    deliveries.markAccepted(List.of(m.id()), uuidOf(m.id()));

    StoredMessage now = reread(m);
    assertThat(now.status()).isEqualTo(FAILED);
    assertThat(now.providerMessageId()).isEqualTo(uuidOf(m.id()));
    assertThat(now.acceptedAt()).isNotNull();
  }

  @Test
  void aRedeliveredStatusIsStoredAndAppliedOnce() {
    StoredMessage m = sent(1, true).get(0);
    String delivered = status(m, "delivered", "2026-11-29T12:00:03.000Z");

    var first = ingest(delivered);
    var again = ingest(delivered);

    assertThat(first.duplicates()).isZero();
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(again.batches()).isEmpty();
  }

  @Test
  void aStatusWithoutClientRefIsMatchedByVonagesUuidAndTheNumber() {
    StoredMessage m = sent(1, true).get(0);

    var ingested = ingest(status(m, "delivered", "2026-11-29T12:00:03.000Z", null));

    assertThat(ingested.unmatched()).isZero();
    assertThat(reread(m).status()).isEqualTo(DELIVERED);
  }

  @Test
  void aStatusForNoMessageOfOursIsStoredAndCountedUnmatched() {
    StoredMessage m = sent(1, true).get(0);
    String stranger =
        status(m, "delivered", "2026-11-29T12:00:03.000Z", UUID.randomUUID().toString())
            .replace(uuidOf(m.id()), UUID.randomUUID().toString());

    var ingested = ingest(stranger);

    assertThat(ingested.unmatched()).isEqualTo(1);
    assertThat(reread(m).status()).isEqualTo(ACCEPTED);
  }

  @Test
  void aBodyThatIsNoStatusIsRefused() {
    for (String body : List.of("not json", "[]", "{\"status\":\"delivered\"}")) {
      assertThatThrownBy(() -> VonageStatuses.parse(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .isInstanceOf(VonageStatuses.MalformedStatusException.class);
    }
  }
}
