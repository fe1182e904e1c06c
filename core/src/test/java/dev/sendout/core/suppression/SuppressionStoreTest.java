package dev.sendout.core.suppression;

import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.SUPPRESSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.core.suppression.SuppressionStore.Filter;
import dev.sendout.core.suppression.SuppressionStore.NewEntry;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SupportActionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SuppressionStoreTest extends StoreTest {

  @Autowired SuppressionStore suppressions;
  @Autowired SendoutStore sendouts;
  @Autowired DeliveryStore deliveries;
  @Autowired MessageReads messages;
  @Autowired AuditTrail audit;

  /** A tenant of its own, so that what one test suppresses no other test sees. */
  private static String tenant() {
    return "supp-" + UUID.randomUUID();
  }

  private static NewEntry entry(String address, SuppressionReason reason) {
    return new NewEntry(SuppressionKey.of(address), reason, "test");
  }

  private NewSendout sendout(String tenant, Channel channel, String... addresses) {
    NewSendout template = channel == Channel.EMAIL ? emailSendout(0) : smsSendout(0);
    return new NewSendout(
        UUID.randomUUID(),
        tenant,
        channel,
        template.content(),
        template.sendAt(),
        template.receiptTimeout(),
        null,
        "hash",
        List.of(addresses).stream()
            .map(a -> new NewSendout.Recipient(a, null, Map.of("firstName", "A", "url", "u")))
            .toList());
  }

  private List<StoredMessage> all(UUID sendoutId) {
    return messages.page(sendoutId, null, -1, 1000);
  }

  @Test
  void addingIsIdempotentAndKeepsTheFirstReasonAndSource() {
    String tenant = tenant();
    var first =
        suppressions.add(
            tenant,
            new NewEntry(
                SuppressionKey.of("Ana@Example.com"), SuppressionReason.HARD_BOUNCE, "sendgrid:1"));
    var again =
        suppressions.add(
            tenant,
            new NewEntry(
                SuppressionKey.of("Ana@EXAMPLE.com"), SuppressionReason.MANUAL, "api:support"));

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.entry()).isEqualTo(first.entry());
    assertThat(again.entry().reason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(again.entry().source()).isEqualTo("sendgrid:1");
    assertThat(again.entry().address()).isEqualTo("ana@example.com");
  }

  @Test
  void lookupAndRemoveArePerTenantAndRemovingTwiceRemovesNothing() {
    String tenant = tenant();
    String other = tenant();
    SuppressionKey key = SuppressionKey.of("+447700900123");
    suppressions.add(tenant, new NewEntry(key, SuppressionReason.SMS_STOP, "vonage:x"));

    assertThat(suppressions.lookup(tenant, key)).isPresent();
    assertThat(suppressions.lookup(other, key)).isEmpty();
    assertThat(suppressions.remove(other, key, "ann")).isEmpty();
    assertThat(suppressions.remove(tenant, key, "ann"))
        .get()
        .extracting(e -> e.reason())
        .isEqualTo(SuppressionReason.SMS_STOP);
    assertThat(suppressions.remove(tenant, key, "bob")).isEmpty();
    assertThat(suppressions.lookup(tenant, key)).isEmpty();
    assertThat(audit.listForTenant(tenant))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo(SupportActionType.SUPPRESSION_REMOVED);
              assertThat(e.subject()).isEqualTo("SMS +447700900123");
              assertThat(e.actor()).isEqualTo("ann");
              assertThat(e.note()).contains("SMS_STOP", "vonage:x");
            });
    assertThat(audit.listForTenant(other)).isEmpty();
  }

  @Test
  void theListPagesNewestFirstByKeysetAndFiltersByChannelAndReason() {
    String tenant = tenant();
    for (int i = 0; i < 5; i++) {
      suppressions.add(tenant, entry("u" + i + "@example.com", SuppressionReason.HARD_BOUNCE));
      suppressions.add(tenant, entry("+4477009001" + (10 + i), SuppressionReason.SMS_STOP));
    }
    suppressions.add(tenant, entry("m@example.com", SuppressionReason.MANUAL));

    List<String> seen = new ArrayList<>();
    SuppressionStore.Position after = null;
    int pages = 0;
    do {
      var page = suppressions.list(tenant, new Filter(null, null), after, 3);
      page.items().forEach(e -> seen.add(e.address()));
      after = page.next();
      pages++;
    } while (after != null);

    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(11).doesNotHaveDuplicates();
    assertThat(seen.get(0)).isEqualTo("m@example.com");
    assertThat(seen.get(10)).isEqualTo("u0@example.com");
    assertThat(suppressions.list(tenant, new Filter(Channel.SMS, null), null, 100).items())
        .hasSize(5)
        .allMatch(e -> e.channel() == Channel.SMS);
    assertThat(
            suppressions
                .list(tenant, new Filter(Channel.EMAIL, SuppressionReason.MANUAL), null, 100)
                .items())
        .extracting(SuppressionStore.Entry::address)
        .containsExactly("m@example.com");
    assertThat(suppressions.list(tenant(), new Filter(null, null), null, 100).items()).isEmpty();
  }

  @Test
  void aBulkImportAddsTheNewEntriesAndKeepsThoseAlreadyThere() {
    String tenant = tenant();
    suppressions.add(tenant, entry("a@example.com", SuppressionReason.SPAM_REPORT));
    List<NewEntry> imported =
        IntStream.range(0, 1000)
            .mapToObj(i -> entry((i % 500) + "@example.com", SuppressionReason.MANUAL))
            .collect(ArrayList::new, List::add, List::addAll);
    imported.add(entry("a@example.com", SuppressionReason.MANUAL));

    int added = suppressions.addAll(tenant, imported);

    assertThat(added).isEqualTo(500);
    assertThat(
            suppressions.lookup(tenant, SuppressionKey.of("a@example.com")).orElseThrow().reason())
        .isEqualTo(SuppressionReason.SPAM_REPORT);
    assertThat(suppressions.list(tenant, new Filter(null, null), null, 1000).items()).hasSize(501);
  }

  @Test
  void theReleaseSuppressesTheTenantsSuppressedRecipientsAndReleasesTheRest() {
    String tenant = tenant();
    suppressions.add(tenant, entry("gone@example.com", SuppressionReason.HARD_BOUNCE));
    suppressions.add(tenant(), entry("kept@example.com", SuppressionReason.HARD_BOUNCE));
    UUID id =
        sendouts
            .create(
                sendout(
                    tenant,
                    Channel.EMAIL,
                    "gone@EXAMPLE.COM",
                    "kept@example.com",
                    "Gone@example.com"))
            .sendout()
            .id();

    int count = sendouts.release(id);

    assertThat(count).isEqualTo(3);
    List<StoredMessage> released = all(id);
    assertThat(released)
        .extracting(StoredMessage::status)
        .as("the part before the @ is compared without its case too")
        .containsExactly(SUPPRESSED, RELEASED, SUPPRESSED);
    StoredMessage suppressed = released.get(0);
    assertThat(suppressed.lastError()).isEqualTo("Suppressed: HARD_BOUNCE (test)");
    assertThat(suppressed.finishedAt()).isNotNull();
    assertThat(suppressed.releasedAt()).isNull();
    assertThat(sendouts.countByStatus(id)).containsEntry(SUPPRESSED, 2).containsEntry(RELEASED, 1);
    assertThat(deliveries.claimForSend(id, 0, 0, 3))
        .extracting(OutgoingMessage::address)
        .containsExactly("kept@example.com");
  }

  @Test
  void aRecipientSuppressedAfterTheReleaseIsSuppressedAtTheClaimAndNeverHandedOut() {
    String tenant = tenant();
    UUID id =
        sendouts
            .create(sendout(tenant, Channel.SMS, "+447700900001", "+447700900002"))
            .sendout()
            .id();
    sendouts.release(id);
    suppressions.add(tenant, entry("+44 7700 900002", SuppressionReason.SMS_STOP));

    var claimed = deliveries.claimForSend(id, 0, 0, 2);

    assertThat(claimed).extracting(OutgoingMessage::address).containsExactly("+447700900001");
    StoredMessage suppressed = all(id).get(1);
    assertThat(suppressed.status()).isEqualTo(SUPPRESSED);
    assertThat(suppressed.lastError()).startsWith("Suppressed: SMS_STOP");
    assertThat(suppressed.attemptCount()).isZero();
    assertThat(
            deliveries
                .tally(new dev.sendout.workflows.batch.SendBatch(id.toString(), 0, 0, 2))
                .total())
        .as("a suppressed message is neither accepted, failed nor unconfirmed")
        .isEqualTo(0);
  }

  @Test
  void aMessageInFlightIsNeverSuppressedButLeftToTheClaimsOwnRules() {
    String tenant = tenant();
    UUID id = sendouts.create(sendout(tenant, Channel.EMAIL, "late@example.com")).sendout().id();
    sendouts.release(id);
    deliveries.claimForSend(id, 0, 0, 1);
    suppressions.add(tenant, entry("late@example.com", SuppressionReason.SPAM_REPORT));

    assertThat(deliveries.claimForSend(id, 0, 0, 1)).isEmpty();

    assertThat(all(id).get(0).status()).isEqualTo(MessageStatus.UNCONFIRMED);
  }

  @Test
  void aReleaseWithinWindowsSuppressesToo_AndItsRangesStillCoverTheSuppressedMessages() {
    String tenant = tenant();
    suppressions.add(tenant, entry("gone@example.com", SuppressionReason.UNSUBSCRIBED));
    UUID id =
        sendouts
            .create(sendout(tenant, Channel.EMAIL, "kept@example.com", "gone@example.com"))
            .sendout()
            .id();

    var release = sendouts.releaseInWindows(id, UUID.randomUUID(), 100, null);

    assertThat(all(id)).extracting(StoredMessage::status).containsExactly(RELEASED, SUPPRESSED);
    assertThat(all(id).get(1).lastError()).startsWith("Suppressed: UNSUBSCRIBED");
    assertThat(release.released())
        .containsExactly(new dev.sendout.workflows.sendout.SeqRange(0, 2));
    assertThat(release.nextOpening()).isNull();
  }
}
