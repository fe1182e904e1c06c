package dev.sendout.core.watchdog;

import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.watchdog.StuckSendouts.StuckSendout;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.StuckReason;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The listing of stuck sendouts reads a table other tests also write, so each test checks its own
 * sendouts among whatever else is open, and the order they come in.
 */
class StuckSendoutsTest extends StoreTest {

  private static final String TENANT = "tenant-a";
  private static final OffsetDateTime NOW =
      OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);

  @Autowired SendoutStore sendouts;
  @Autowired StuckSendouts stuck;
  @Autowired DSLContext db;

  private long finding(UUID sendoutId, String tenant, Channel channel, StuckReason reason) {
    return db.insertInto(FINDING)
        .set(FINDING.SENDOUT_ID, sendoutId)
        .set(FINDING.TENANT_ID, tenant)
        .set(FINDING.CHANNEL, channel)
        .set(FINDING.REASON, reason)
        .set(FINDING.DETAIL, reason + " of " + sendoutId)
        .set(FINDING.MESSAGE_COUNT, 3)
        .set(FINDING.SINCE, NOW.minusHours(2))
        .set(FINDING.FIRST_SEEN_AT, NOW.minusHours(1))
        .set(FINDING.LAST_SEEN_AT, NOW)
        .returning(FINDING.ID)
        .fetchSingle(FINDING.ID);
  }

  private UUID email() {
    return sendouts.create(emailSendout(1)).sendout().id();
  }

  private UUID sms() {
    return sendouts.create(smsSendout(1)).sendout().id();
  }

  /** Every page of the listing, following the keys to the end. */
  private List<StuckSendout> all(StuckReason reason, Channel channel, int pageSize) {
    List<StuckSendout> items = new ArrayList<>();
    long after = 0;
    while (true) {
      var page = stuck.page(TENANT, reason, channel, after, pageSize);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(pageSize);
      items.addAll(page.items());
      if (page.lastKey() == null) {
        return items;
      }
      after = page.lastKey();
    }
  }

  private static List<UUID> ids(List<StuckSendout> items) {
    return items.stream().map(StuckSendout::sendoutId).toList();
  }

  @Test
  void sendoutsWithOpenFindingsAreListedOnceInTheOrderTheyWereFoundWithAllTheirFindings() {
    UUID first = email();
    UUID second = sms();
    UUID cleared = email();
    finding(first, TENANT, Channel.EMAIL, StuckReason.NO_RECEIPT);
    finding(second, TENANT, Channel.SMS, StuckReason.NOT_RELEASED);
    finding(first, TENANT, Channel.EMAIL, StuckReason.NOT_RELEASED);
    long gone = finding(cleared, TENANT, Channel.EMAIL, StuckReason.NO_RECEIPT);
    db.update(FINDING).set(FINDING.CLEARED_AT, NOW).where(FINDING.ID.eq(gone)).execute();

    List<StuckSendout> listed = all(null, null, 1);

    assertThat(ids(listed)).containsSubsequence(first, second).doesNotContain(cleared);
    assertThat(ids(listed)).doesNotHaveDuplicates();
    StuckSendout firstItem = listed.get(ids(listed).indexOf(first));
    assertThat(firstItem.channel()).isEqualTo(Channel.EMAIL);
    assertThat(firstItem.status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(firstItem.findings())
        .extracting(StuckSendouts.OpenFinding::reason)
        .containsExactly(StuckReason.NO_RECEIPT, StuckReason.NOT_RELEASED);
    assertThat(firstItem.findings().get(0).messageCount()).isEqualTo(3);
    assertThat(firstItem.findings().get(0).since()).isEqualTo(NOW.minusHours(2).toInstant());
  }

  @Test
  void filtersSelectSendoutsByReasonAndChannel() {
    UUID email = email();
    UUID sms = sms();
    finding(email, TENANT, Channel.EMAIL, StuckReason.NO_RECEIPT);
    finding(sms, TENANT, Channel.SMS, StuckReason.NO_RECEIPT);
    finding(sms, TENANT, Channel.SMS, StuckReason.NOT_RELEASED);

    assertThat(ids(all(StuckReason.NOT_RELEASED, null, 50))).contains(sms).doesNotContain(email);
    assertThat(ids(all(null, Channel.EMAIL, 50))).contains(email).doesNotContain(sms);
    assertThat(ids(all(StuckReason.NO_RECEIPT, Channel.SMS, 50)))
        .contains(sms)
        .doesNotContain(email);
    var smsItem =
        all(StuckReason.NOT_RELEASED, Channel.SMS, 50).stream()
            .filter(i -> i.sendoutId().equals(sms))
            .findFirst()
            .orElseThrow();
    assertThat(smsItem.findings())
        .as("a filtered sendout still shows all its open findings")
        .hasSize(2);
  }

  @Test
  void anotherTenantsSendoutsAreNotListedNorAnOrphanWithoutTenantButOneWithTheCallersIs() {
    UUID other = email();
    db.update(SENDOUT).set(SENDOUT.TENANT_ID, "tenant-b").where(SENDOUT.ID.eq(other)).execute();
    UUID orphan = UUID.randomUUID();
    UUID nobodys = UUID.randomUUID();
    finding(other, "tenant-b", Channel.EMAIL, StuckReason.NO_RECEIPT);
    finding(orphan, TENANT, Channel.SMS, StuckReason.ORPHAN_WORKFLOW);
    finding(nobodys, null, Channel.SMS, StuckReason.ORPHAN_WORKFLOW);

    List<StuckSendout> listed = all(null, null, 50);

    assertThat(ids(listed)).contains(orphan).doesNotContain(other, nobodys);
    StuckSendout orphanItem = listed.get(ids(listed).indexOf(orphan));
    assertThat(orphanItem.status()).isNull();
    assertThat(orphanItem.channel()).isEqualTo(Channel.SMS);
  }

  @Test
  void attentionShowsPausedCancelledAndOnlyOpenFindings() {
    UUID id = email();
    OffsetDateTime pausedAt = NOW.minusMinutes(5);
    db.update(SENDOUT).set(SENDOUT.PAUSED_AT, pausedAt).where(SENDOUT.ID.eq(id)).execute();
    finding(id, TENANT, Channel.EMAIL, StuckReason.NO_RECEIPT);
    long cleared = finding(id, TENANT, Channel.EMAIL, StuckReason.WORKFLOW_NOT_RUNNING);
    db.update(FINDING).set(FINDING.CLEARED_AT, NOW).where(FINDING.ID.eq(cleared)).execute();

    var attention = stuck.attention(id);

    assertThat(attention.pausedAt()).isEqualTo(pausedAt.toInstant());
    assertThat(attention.cancelledAt()).isNull();
    assertThat(attention.findings())
        .extracting(StuckSendouts.OpenFinding::reason)
        .containsExactly(StuckReason.NO_RECEIPT);
    assertThat(stuck.attention(email()))
        .isEqualTo(new StuckSendouts.Attention(null, null, List.of()));
  }
}
