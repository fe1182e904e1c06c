package dev.sendout.workflows.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.batch.SendBatch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sendout with a delivery window, with time skipping: the workflow releases what is inside its
 * window, waits with a durable timer until the next window opens, and releases again. The store is
 * the fake of {@link FakeActivities} with a 09:00-20:00 window judged on each message's wall clock;
 * the real store's window arithmetic has tests of its own in {@code core}.
 */
class QuietHoursWorkflowTest {

  private static final String DELIVERY_QUEUE = "test-sms";
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final LocalTime OPENS = FakeWindows.OPENS;

  @RegisterExtension
  static final TestWorkflowExtension temporal = SendoutWorkflowTest.newTemporalExtension();

  private FakeActivities.Store store;
  private final FakeActivities.Provider delivery = new FakeActivities.Provider();

  private FakeWindows windows;

  /** When each message was released, by sequence number; absent while it waits. */
  private Map<Integer, Instant> released;

  @Test
  void anSmsSendoutAt2300InTheRecipientsZoneIsReleasedAt0900AndNotBefore(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    List<ZoneId> zones = List.of(NEW_YORK, NEW_YORK, NEW_YORK);
    startWorkers(env, worker, zones);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    Night night = Night.after(now);
    StartSendout start = sms(night.elevenPm(), zones.size());
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now, night.nineAm()).minusMinutes(1));

    assertThat(store.releases.get())
        .as("released once at 23:00, to find every window closed")
        .isEqualTo(1);
    assertThat(released).isEmpty();
    assertThat(delivery.batches).isEmpty();
    assertThat(workflow.progress().status())
        .as("nothing released: SCHEDULED, as the API shows it")
        .isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(details(client, start)).contains("next opens at " + night.nineAm());

    SendTally tally = WorkflowStub.fromTyped(workflow).getResult(SendTally.class);

    assertThat(tally).isEqualTo(new SendTally(3, 0, 0));
    // SENDING once the window opened, so that the store was told it was SENT when it was.
    assertThat(store.markSents.get()).isEqualTo(1);
    assertThat(released.values())
        .hasSize(3)
        .allSatisfy(at -> assertThat(at).isBetween(night.nineAm(), night.nineAm().plusSeconds(60)));
    // One provider call per SMS, each message once.
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactlyInAnyOrder(0, 1, 2);
  }

  /**
   * The same sendout continued as new overnight (signals grew its history): the new run still shows
   * SCHEDULED until the window opens. It showed SENT, nothing sent.
   */
  @Test
  void aSendoutWaitingForItsWindowStaysScheduledWhenItContinuesAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    List<ZoneId> zones = List.of(NEW_YORK, NEW_YORK, NEW_YORK);
    startWorkers(env, worker, zones);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    Night night = Night.after(now);
    StartSendout start = sms(night.elevenPm(), zones.size(), 25);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now, night.elevenPm()).plusMinutes(5));

    continueAsNew(env, client, workflow, firstRun);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SCHEDULED);
    assertThat(statusAttribute(workflow)).isEqualTo("SCHEDULED");
    assertThat(details(client, start)).contains("next opens at " + night.nineAm());
    assertThat(delivery.batches).isEmpty();

    assertThat(WorkflowStub.fromTyped(workflow).getResult(SendTally.class))
        .isEqualTo(new SendTally(3, 0, 0));
    assertThat(released.values())
        .allSatisfy(at -> assertThat(at).isBetween(night.nineAm(), night.nineAm().plusSeconds(60)));
  }

  /**
   * Found by a drill: a run the watchdog started again, after the terminated one had released and
   * sent a message, found every window closed and showed SCHEDULED in the Web UI while the API said
   * SENDING. It shows SENDING, also once it has continued as new overnight (a second reader).
   */
  @Test
  void aRunStartedAgainAfterAReleaseShowsSendingWhileItsWindowsAreClosed(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    List<ZoneId> zones = List.of(NEW_YORK, NEW_YORK, NEW_YORK);
    startWorkers(env, worker, zones);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    Night night = Night.after(now);
    released.put(0, now);
    StartSendout start = sms(night.elevenPm(), zones.size(), 25);
    SendoutWorkflow workflow = stub(client, options, start);

    WorkflowExecution firstRun = WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now, night.elevenPm()).plusMinutes(5));

    assertThat(released).containsOnlyKeys(0);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENDING);
    assertThat(statusAttribute(workflow)).isEqualTo("SENDING");
    assertThat(details(client, start)).contains("next opens at " + night.nineAm());

    continueAsNew(env, client, workflow, firstRun);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENDING);
    assertThat(statusAttribute(workflow)).isEqualTo("SENDING");

    assertThat(WorkflowStub.fromTyped(workflow).getResult(SendTally.class))
        .as("the two this run released")
        .isEqualTo(new SendTally(2, 0, 0));
    assertThat(delivery.batches).extracting(SendBatch::fromSeq).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void recipientsInOtherZonesAreReleasedEachAtTheirOwnOpening(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    ZoneId london = ZoneId.of("Europe/London");
    List<ZoneId> zones = List.of(NEW_YORK, tokyo, london, NEW_YORK);
    startWorkers(env, worker, zones);
    Instant elevenPm = elevenPmTomorrow(Instant.ofEpochMilli(env.currentTimeMillis())).toInstant();
    StartSendout start = sms(elevenPm, zones.size());

    SendTally tally = stub(client, options, start).run(start);

    assertThat(tally).isEqualTo(new SendTally(4, 0, 0));
    assertThat(released.get(1))
        .as("13:00 in Tokyo: open at once")
        .isBetween(elevenPm, elevenPm.plusSeconds(60));
    assertThat(minute(released.get(2), london)).isEqualTo(OPENS);
    assertThat(minute(released.get(0), NEW_YORK)).isEqualTo(OPENS);
    assertThat(released.get(3)).isEqualTo(released.get(0));
    assertThat(delivery.batches)
        .extracting(SendBatch::fromSeq)
        .containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  /**
   * Found by a survey-features drill: a recipient added to a SENT sendout whose window was closed
   * (midnight in Tokyo) left it SENT with a message QUEUED until morning, and a pause was refused
   * as "Nothing is left to send". It is SENDING until that message is sent, and can be paused.
   */
  @Test
  void aRecipientAddedToASentSendoutWhoseWindowIsClosedMakesItSending(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    List<ZoneId> zones = List.of(NEW_YORK, ZoneId.of("Asia/Tokyo"));
    startWorkers(env, worker, zones);
    windows.stored = 1;
    delivery.silent.add(0);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    Instant tenAm = nineAmAfter(elevenPmTomorrow(now)).plus(Duration.ofHours(1));
    StartSendout start = sms(tenAm, 1);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now, tenAm).plusMinutes(2));
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENT);

    windows.stored = 2;
    workflow.recipientsAdded(new AddedRanges(List.of(new SeqRange(1, 2)), false));
    env.sleep(Duration.ofSeconds(5));

    assertThat(released).doesNotContainKey(1);
    assertThat(workflow.progress().status()).isEqualTo(SendoutStatus.SENDING);
    assertThat(store.markSendings.get()).as("the store shows it SENDING too").isOne();
    assertThat(details(client, start)).contains("Messages wait for their delivery window");
    workflow.pause(new SupportAction("ann", "until the customer confirms"));
    workflow.resume(new SupportAction("ann", null));

    delivery.deliver(0);
    workflow.receiptsArrived();
    assertThat(WorkflowStub.fromTyped(workflow).getResult(SendTally.class))
        .isEqualTo(new SendTally(2, 0, 0));
    assertThat(minute(released.get(1), ZoneId.of("Asia/Tokyo"))).isEqualTo(OPENS);
  }

  /**
   * Found by a survey-features drill: reminders cancelled while their wave waited for its window
   * (20:00 in Tokyo, closed until 09:00) left the sendout SENT, with nothing left to send, until
   * that window: a day, with a timer for it. It completes at once now.
   */
  @Test
  void remindersCancelledWhileTheirWaveWaitsForItsWindowLetTheSendoutComplete(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, WorkflowOptions options) {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    startWorkers(env, worker, List.of(tokyo, tokyo));
    windows.stored = 1;
    store.messageCount = 1;
    store.reminderAfters = List.of(Duration.ofHours(1));
    store.provider = delivery;
    delivery.clock = env::currentTimeMillis;
    store.onWave = range -> windows.stored = 2;
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    Instant sevenPm =
        now.atZone(tokyo).toLocalDate().plusDays(1).atTime(19, 0).atZone(tokyo).toInstant();
    StartSendout start =
        new StartSendout(
            UUID.randomUUID().toString(),
            "t1",
            Channel.SMS,
            1,
            sevenPm,
            sms(sevenPm, 1).settings(),
            null,
            true,
            1,
            null);
    SendoutWorkflow workflow = stub(client, options, start);
    WorkflowClient.start(workflow::run, start);
    env.sleep(Duration.between(now, sevenPm).plusMinutes(65));
    assertThat(windows.stored).as("the wave was made").isEqualTo(2);
    assertThat(details(client, start)).contains("Messages wait for their delivery window");

    windows.stored = 1; // as the store's cancel leaves it: the wave's reminder no longer waits
    workflow.cancelReminders(new SupportAction("ann", "enough"));
    env.sleep(Duration.ofSeconds(5));

    assertThat(workflow.progress().status())
        .as("completed at once, not at 09:00 in Tokyo")
        .isEqualTo(SendoutStatus.COMPLETED);
    WorkflowStub.fromTyped(workflow).getResult(SendTally.class);
    assertThat(released).containsOnlyKeys(0);
  }

  /** 23:00 in New York on the day after {@code now}'s there. */
  private static ZonedDateTime elevenPmTomorrow(Instant now) {
    return now.atZone(NEW_YORK).toLocalDate().plusDays(1).atTime(23, 0).atZone(NEW_YORK);
  }

  /** 23:00 in New York tomorrow, when the recipients' windows are closed, and 09:00 after it. */
  private record Night(Instant elevenPm, Instant nineAm) {

    static Night after(Instant now) {
      ZonedDateTime elevenPm = elevenPmTomorrow(now);
      return new Night(elevenPm.toInstant(), nineAmAfter(elevenPm));
    }
  }

  /** When the window opens in New York the morning after. */
  private static Instant nineAmAfter(ZonedDateTime elevenPm) {
    return elevenPm.toLocalDate().plusDays(1).atTime(OPENS).atZone(NEW_YORK).toInstant();
  }

  /**
   * Grows the run's history with watchdog signals (a run of {@code sms(..., 25)} continues as new
   * past 25 events) until it has continued as new.
   */
  private static void continueAsNew(
      TestWorkflowEnvironment env,
      WorkflowClient client,
      SendoutWorkflow workflow,
      WorkflowExecution firstRun) {
    for (int i = 0; i < 12; i++) {
      workflow.watchdogFindings(new WatchdogFindings(List.of()));
      env.sleep(Duration.ofSeconds(5));
    }
    assertThat(
            client
                .fetchHistory(firstRun.getWorkflowId(), firstRun.getRunId())
                .getLastEvent()
                .hasWorkflowExecutionContinuedAsNewEventAttributes())
        .isTrue();
  }

  /** What the Web UI shows as the sendout's status. */
  private static String statusAttribute(SendoutWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow)
        .describe()
        .getTypedSearchAttributes()
        .get(SendoutSearchAttributes.SENDOUT_STATUS);
  }

  private static LocalTime minute(Instant at, ZoneId zone) {
    return at.atZone(zone).toLocalTime().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
  }

  private void startWorkers(TestWorkflowEnvironment env, Worker worker, List<ZoneId> zones) {
    store = new FakeActivities.Store(env::currentTimeMillis, zones.size());
    windows = new FakeWindows(zones, env::currentTimeMillis);
    released = windows.released;
    store.inWindows = windows::release;
    worker.registerActivitiesImplementations(store, delivery);
    env.newWorker(DELIVERY_QUEUE).registerActivitiesImplementations(delivery);
    env.start();
  }

  private static StartSendout sms(Instant sendAt, int messages) {
    return sms(sendAt, messages, 2000);
  }

  private static StartSendout sms(Instant sendAt, int messages, int continueAfterEvents) {
    SendoutSettings settings =
        new SendoutSettings(
            100,
            2,
            DELIVERY_QUEUE,
            continueAfterEvents,
            Duration.ofHours(72),
            1,
            Duration.ofMinutes(10));
    return new StartSendout(
        UUID.randomUUID().toString(), "t1", Channel.SMS, messages, sendAt, settings, null, true);
  }

  private static SendoutWorkflow stub(
      WorkflowClient client, WorkflowOptions options, StartSendout s) {
    return client.newWorkflowStub(
        SendoutWorkflow.class,
        options.toBuilder().setWorkflowId(SendoutWorkflow.workflowId(s.sendoutId())).build());
  }

  /** The workflow's current details, as the Temporal UI reads them (the metadata query). */
  private static String details(WorkflowClient client, StartSendout s) {
    return client
        .newUntypedWorkflowStub(SendoutWorkflow.workflowId(s.sendoutId()))
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }
}
