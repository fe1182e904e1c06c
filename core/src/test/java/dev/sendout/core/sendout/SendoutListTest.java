package dev.sendout.core.sendout;

import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.SendoutList.Filter;
import dev.sendout.core.sendout.SendoutList.Position;
import dev.sendout.core.sendout.SendoutList.Summary;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The plain listing of a tenant's sendouts; each test has a tenant of its own. */
class SendoutListTest extends StoreTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final Filter ANY = new Filter(Set.of(), null, null, null);

  @Autowired SendoutStore sendouts;
  @Autowired SendoutList list;
  @Autowired DSLContext db;

  /** A sendout of the tenant, created at the given instant, in the given status. */
  private UUID sendout(String tenant, Channel channel, Instant createdAt, SendoutStatus status) {
    NewSendout base = channel == Channel.SMS ? smsSendout(1) : emailSendout(1);
    NewSendout mine =
        new NewSendout(
            base.id(),
            tenant,
            base.channel(),
            base.content(),
            base.sendAt(),
            base.receiptTimeout(),
            null,
            base.requestHash(),
            base.recipients());
    UUID id = sendouts.create(mine).sendout().id();
    db.update(SENDOUT)
        .set(SENDOUT.CREATED_AT, createdAt.atOffset(ZoneOffset.UTC))
        .set(SENDOUT.STATUS, status)
        .where(SENDOUT.ID.eq(id))
        .execute();
    return id;
  }

  private static String tenant() {
    return "tenant-list-" + UUID.randomUUID();
  }

  /** Every page, following the positions to the end. */
  private List<UUID> all(String tenant, Filter filter, int pageSize) {
    List<UUID> ids = new ArrayList<>();
    Position after = null;
    do {
      var page = list.page(tenant, filter, after, pageSize);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(pageSize);
      page.items().stream().map(Summary::id).forEach(ids::add);
      after = page.next();
    } while (after != null);
    return ids;
  }

  @Test
  void pagesNewestFirstWithTiesInIdOrderAndNeitherRepeatsNorSkipsAnyAcrossPages() {
    String tenant = tenant();
    List<UUID> tied = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tied.add(sendout(tenant, Channel.EMAIL, T0, SendoutStatus.SCHEDULED));
    }
    UUID newest = sendout(tenant, Channel.SMS, T0.plusSeconds(60), SendoutStatus.SENDING);
    UUID oldest = sendout(tenant, Channel.EMAIL, T0.minusSeconds(60), SendoutStatus.COMPLETED);
    List<UUID> expected = new ArrayList<>();
    expected.add(newest);
    // Postgres orders uuids bytewise, as their text sorts; UUID.compareTo compares signed longs.
    tied.stream().sorted(Comparator.comparing(UUID::toString).reversed()).forEach(expected::add);
    expected.add(oldest);

    for (int pageSize : List.of(1, 2, 3, 5, 6)) {
      assertThat(all(tenant, ANY, pageSize)).as("pages of %d", pageSize).isEqualTo(expected);
    }
  }

  @Test
  void aSendoutCreatedWhilePagingIsNotSeenOnLaterPagesAndShiftsNothing() {
    String tenant = tenant();
    UUID second = sendout(tenant, Channel.EMAIL, T0, SendoutStatus.SCHEDULED);
    UUID first = sendout(tenant, Channel.EMAIL, T0.plusSeconds(1), SendoutStatus.SCHEDULED);
    var page1 = list.page(tenant, ANY, null, 1);

    sendout(tenant, Channel.EMAIL, T0.plusSeconds(2), SendoutStatus.SCHEDULED);
    var page2 = list.page(tenant, ANY, page1.next(), 1);

    assertThat(page1.items()).extracting(Summary::id).containsExactly(first);
    assertThat(page2.items()).extracting(Summary::id).containsExactly(second);
    assertThat(page2.next()).isNull();
  }

  @Test
  void filtersByStatusChannelAndCreatedRangeTogether() {
    String tenant = tenant();
    UUID scheduledEmail = sendout(tenant, Channel.EMAIL, T0, SendoutStatus.SCHEDULED);
    UUID sendingEmail = sendout(tenant, Channel.EMAIL, T0.plusSeconds(10), SendoutStatus.SENDING);
    UUID scheduledSms = sendout(tenant, Channel.SMS, T0.plusSeconds(20), SendoutStatus.SCHEDULED);
    UUID lateEmail = sendout(tenant, Channel.EMAIL, T0.plusSeconds(30), SendoutStatus.SCHEDULED);

    var statuses = Set.of(SendoutStatus.SCHEDULED, SendoutStatus.SENDING);
    assertThat(all(tenant, new Filter(Set.of(SendoutStatus.SCHEDULED), null, null, null), 10))
        .containsExactly(lateEmail, scheduledSms, scheduledEmail);
    assertThat(all(tenant, new Filter(statuses, Channel.EMAIL, null, null), 10))
        .containsExactly(lateEmail, sendingEmail, scheduledEmail);
    assertThat(all(tenant, new Filter(Set.of(), Channel.SMS, null, null), 10))
        .containsExactly(scheduledSms);
    // From is inclusive, to exclusive: consecutive ranges list each sendout once.
    assertThat(all(tenant, new Filter(Set.of(), null, T0.plusSeconds(10), T0.plusSeconds(30)), 1))
        .containsExactly(scheduledSms, sendingEmail);
    assertThat(all(tenant, new Filter(Set.of(), Channel.EMAIL, T0.plusSeconds(30), null), 10))
        .containsExactly(lateEmail);
    assertThat(all(tenant, new Filter(Set.of(SendoutStatus.SENT), null, null, null), 10)).isEmpty();
  }

  @Test
  void anotherTenantsSendoutsAreNeverListed() {
    String mine = tenant();
    String theirs = tenant();
    UUID own = sendout(mine, Channel.EMAIL, T0, SendoutStatus.SCHEDULED);
    sendout(theirs, Channel.EMAIL, T0, SendoutStatus.SCHEDULED);
    sendout(theirs, Channel.EMAIL, T0.plusSeconds(1), SendoutStatus.SCHEDULED);

    assertThat(all(mine, ANY, 1)).containsExactly(own);
  }

  @Test
  void aSummaryShowsWhatTheRowHolds() {
    String tenant = tenant();
    UUID id = sendout(tenant, Channel.SMS, T0, SendoutStatus.CANCELLED);
    db.update(SENDOUT)
        .set(SENDOUT.PAUSED_AT, T0.plusSeconds(5).atOffset(ZoneOffset.UTC))
        .set(SENDOUT.CANCELLED_AT, T0.plusSeconds(9).atOffset(ZoneOffset.UTC))
        .where(SENDOUT.ID.eq(id))
        .execute();

    Summary summary = list.page(tenant, ANY, null, 10).items().get(0);

    assertThat(summary.id()).isEqualTo(id);
    assertThat(summary.channel()).isEqualTo(Channel.SMS);
    assertThat(summary.status()).isEqualTo(SendoutStatus.CANCELLED);
    assertThat(summary.recipientCount()).isEqualTo(1);
    assertThat(summary.createdAt()).isEqualTo(T0);
    assertThat(summary.paused()).isTrue();
    assertThat(summary.cancelledAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(summary.releasedAt()).isNull();
  }

  /** The listing showed 400 for 200 recipients and their 200 reminders; the sendout itself 200. */
  @Test
  void aSummaryCountsRecipientsNotTheirRemindersOrThankYous() {
    String tenant = tenant();
    UUID id = sendout(tenant, Channel.EMAIL, T0, SendoutStatus.SENT);
    db.update(SENDOUT)
        .set(SENDOUT.RECIPIENT_COUNT, 1 + 2 + 1)
        .set(SENDOUT.REMINDER_MESSAGES, 2)
        .set(SENDOUT.THANK_YOU_MESSAGES, 1)
        .where(SENDOUT.ID.eq(id))
        .execute();

    assertThat(list.page(tenant, ANY, null, 10).items().get(0).recipientCount()).isEqualTo(1);
    assertThat(sendouts.find(id).orElseThrow().recipientsOnly()).isEqualTo(1);
  }
}
