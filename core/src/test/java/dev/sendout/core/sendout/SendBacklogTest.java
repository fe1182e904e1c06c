package dev.sendout.core.sendout;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.support.RecipientAdditions;
import dev.sendout.core.support.RecipientAdditions.RecipientSource;
import dev.sendout.workflows.message.MessageStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.TableField;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Other tests write the same tables, so each step is checked as a change of the count. */
class SendBacklogTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired SendBacklog backlog;
  @Autowired RecipientAdditions additions;
  @Autowired DSLContext db;

  private UUID due(int recipients) {
    return sendouts.create(emailSendout(recipients)).sendout().id();
  }

  private void set(UUID id, TableField<?, OffsetDateTime> field, OffsetDateTime value) {
    db.update(SENDOUT).set(field, value).where(SENDOUT.ID.eq(id)).execute();
  }

  @Test
  void dueMessagesCountUntilAProviderAcceptsThem() {
    int before = backlog.count(Integer.MAX_VALUE);

    UUID id = due(5);
    assertThat(backlog.count(Integer.MAX_VALUE) - before).isEqualTo(5);

    sendouts.release(id);
    assertThat(backlog.count(Integer.MAX_VALUE) - before)
        .as("released, not yet accepted")
        .isEqualTo(5);

    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.ACCEPTED)
        .where(MESSAGE.SENDOUT_ID.eq(id))
        .and(MESSAGE.SEQ.lt(2))
        .execute();
    assertThat(backlog.count(Integer.MAX_VALUE) - before).isEqualTo(3);
  }

  @Test
  void theCountStopsWhereItIsToldTo() {
    int before = backlog.count(Integer.MAX_VALUE);
    due(5);

    assertThat(backlog.count(before + 3)).isEqualTo(before + 3);
    assertThat(backlog.count(before + 5)).isEqualTo(before + 5);
    assertThat(backlog.count(before + 6)).isEqualTo(before + 5);
  }

  @Test
  void eachTenantsBacklogIsCountedUpToTheSameStop() {
    String a = "backlog-" + UUID.randomUUID();
    String b = "backlog-" + UUID.randomUUID();
    sendouts.create(emailSendout(a, 5, null));
    sendouts.create(emailSendout(a, 4, null));
    UUID paused = sendouts.create(emailSendout(b, 3, null)).sendout().id();
    sendouts.create(emailSendout(b, 2, null));
    set(paused, SENDOUT.PAUSED_AT, OffsetDateTime.now(ZoneOffset.UTC));

    Map<String, Integer> byTenant = backlog.countByTenant(7);

    assertThat(byTenant).containsEntry(a, 7).containsEntry(b, 2);
    assertThat(backlog.countByTenant(Integer.MAX_VALUE)).containsEntry(a, 9);
  }

  @Test
  void sendoutsNotDuePausedCancelledOrFinishedAreNotBehind() {
    int before = backlog.count(Integer.MAX_VALUE);
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

    set(due(2), SENDOUT.SEND_AT, now.plusHours(1));
    set(due(3), SENDOUT.PAUSED_AT, now);
    set(due(4), SENDOUT.CANCELLED_AT, now);
    set(due(5), SENDOUT.COMPLETED_AT, now);

    assertThat(backlog.count(Integer.MAX_VALUE)).isEqualTo(before);
  }

  @Test
  void aSendoutIsPendingWorkflowWorkUntilItIsSentNotOnlyUntilItIsReleased() {
    int before = pendingWorkflowWork();

    UUID id = due(1);
    assertThat(pendingWorkflowWork() - before).isEqualTo(1);

    sendouts.release(id);
    assertThat(pendingWorkflowWork() - before).as("released, not sent").isEqualTo(1);

    set(id, SENDOUT.SENT_AT, OffsetDateTime.now(ZoneOffset.UTC));
    assertThat(pendingWorkflowWork()).isEqualTo(before);
  }

  @Test
  void theSendoutsSentSinceATimeAreCountedFromIt() {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    int before = backlog.sentSince(now.minusSeconds(10));

    set(due(1), SENDOUT.SENT_AT, now.minusSeconds(5));
    set(due(1), SENDOUT.SENT_AT, now.minusSeconds(15));
    due(1);

    assertThat(backlog.sentSince(now.minusSeconds(10)) - before).isEqualTo(1);
  }

  @Test
  void additionsWaitingForTheirWorkflowCountOncePerSendout() {
    UUID id = due(1);
    set(id, SENDOUT.SENT_AT, OffsetDateTime.now(ZoneOffset.UTC));
    int before = pendingWorkflowWork();

    for (String key : List.of("a", "b", "c")) {
      additions.add("tenant-a", id, key, RecipientSource.of(List.of(recipient(key)), key), "ann");
    }

    assertThat(pendingWorkflowWork() - before).isEqualTo(1);
  }

  /** Their hand-off waits longer before the send time (AdditionRelay), and nothing is due. */
  @Test
  void additionsToASendoutBeforeItsSendTimeAreNoWorkYet() {
    UUID id = due(1);
    set(id, SENDOUT.SEND_AT, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
    int before = pendingWorkflowWork();

    additions.add("tenant-a", id, "a", RecipientSource.of(List.of(recipient("a")), "a"), "ann");

    assertThat(pendingWorkflowWork()).isEqualTo(before);
  }

  private static NewSendout.Recipient recipient(String name) {
    return new NewSendout.Recipient(name + "@example.com", null, Map.of());
  }

  private int pendingWorkflowWork() {
    return backlog.pendingWorkflowWorkByTenant().values().stream()
        .mapToInt(Integer::intValue)
        .sum();
  }
}
