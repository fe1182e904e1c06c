package dev.sendout.activities.sendout;

import dev.sendout.activities.StoreCall;
import dev.sendout.activities.email.EmailDeliveryActivities;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.reminder.ReminderWaves;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SendoutStore.ToSend;
import dev.sendout.core.support.SupportActionStore;
import dev.sendout.workflows.batch.SendBatch;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.SendTally;
import dev.sendout.workflows.sendout.SendoutActivities;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Store operations on a sendout as a whole, for {@code SendoutWorkflow}. Data the store refuses
 * fails them for good ({@link StoreCall}); a support action refused so is refused by the workflow.
 */
@Component
public class SendoutActivitiesImpl implements SendoutActivities {

  /**
   * The most QUEUED ranges, and the most unsent ones, one completion answers; the run's next
   * completion finds the rest.
   */
  static final int MAX_QUEUED_RANGES = 1_000;

  private final SendoutStore sendouts;
  private final SupportActionStore actions;
  private final ReminderWaves waves;
  private final EmailDeliveryActivities email;

  public SendoutActivitiesImpl(
      SendoutStore sendouts,
      SupportActionStore actions,
      ReminderWaves waves,
      EmailDeliveryActivities email) {
    this.sendouts = sendouts;
    this.actions = actions;
    this.waves = waves;
    this.email = email;
  }

  @Override
  public SendTally sendEmailBatch(SendBatch call) {
    return email.sendBatch(call);
  }

  @Override
  public ReminderWave remind(RemindWave input) {
    return StoreCall.classified(
        () -> {
          var wave =
              waves.wave(
                  UUID.fromString(input.sendoutId()),
                  input.waveId() == null ? null : UUID.fromString(input.waveId()),
                  input.dueAt(),
                  input.skipped());
          return new ReminderWave(wave.messages(), wave.nextAt(), wave.nextIndex());
        });
  }

  @Override
  public int close(CloseSendout input) {
    return StoreCall.classified(() -> waves.close(UUID.fromString(input.sendoutId())));
  }

  @Override
  public int dropWave(DropWave input) {
    return StoreCall.classified(
        () -> waves.drop(UUID.fromString(input.sendoutId()), input.messages()));
  }

  @Override
  public Released release(ReleaseSendout input) {
    UUID id = UUID.fromString(input.sendoutId());
    if (input.releaseId() == null) {
      return StoreCall.classified(
          () -> {
            var release = sendouts.release(id, input.keepSent(), input.only());
            return new Released(release.messageCount(), release.keptSent());
          });
    }
    return StoreCall.classified(
        () -> {
          var release =
              sendouts.releaseInWindows(
                  id, UUID.fromString(input.releaseId()), input.rangeSize(), input.dueAt());
          return new Released(
              release.messageCount(),
              release.released(),
              release.nextOpening(),
              false,
              release.releasedBefore());
        });
  }

  @Override
  public void markSent(MarkSent input) {
    StoreCall.classified(() -> sendouts.markSent(UUID.fromString(input.sendoutId())));
  }

  @Override
  public void markSending(MarkSending input) {
    StoreCall.classified(() -> sendouts.markSending(UUID.fromString(input.sendoutId())));
  }

  @Override
  public Completion markCompleted(MarkCompleted input) {
    UUID id = UUID.fromString(input.sendoutId());
    return StoreCall.classified(
        () -> {
          if (input.queuedFirst()) {
            ToSend toSend = sendouts.completeUnlessMoreToSend(id, MAX_QUEUED_RANGES);
            if (!toSend.isEmpty()) {
              return Completion.notYet(
                  toSend.queued(), toSend.unsent(), toSend.inFlight(), toSend.inFlightSentAt());
            }
          } else {
            sendouts.markCompleted(id);
          }
          Map<MessageStatus, Integer> counts = sendouts.countByStatus(id);
          return Completion.done(
              MessageSettlement.tally(counts, 0),
              counts.values().stream().mapToInt(Integer::intValue).sum());
        });
  }

  @Override
  public ActionApplied applyAction(ApplyAction input) {
    return StoreCall.classified(() -> actions.apply(input));
  }
}
