package dev.sendout.activities.sendout;

import dev.sendout.activities.StoreCall;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.support.SupportActionStore;
import dev.sendout.workflows.sendout.SendoutActivities;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Store operations on a sendout as a whole, for {@code SendoutWorkflow}. Data the store refuses
 * fails them for good ({@link StoreCall}); a support action refused so is refused by the workflow.
 */
@Component
public class SendoutActivitiesImpl implements SendoutActivities {

  private final SendoutStore sendouts;
  private final SupportActionStore actions;

  public SendoutActivitiesImpl(SendoutStore sendouts, SupportActionStore actions) {
    this.sendouts = sendouts;
    this.actions = actions;
  }

  @Override
  public Released release(ReleaseSendout input) {
    UUID id = UUID.fromString(input.sendoutId());
    if (input.releaseId() == null) {
      return StoreCall.classified(() -> new Released(sendouts.release(id)));
    }
    return StoreCall.classified(
        () -> {
          var release =
              sendouts.releaseInWindows(
                  id, UUID.fromString(input.releaseId()), input.rangeSize(), input.dueAt());
          return new Released(release.messageCount(), release.released(), release.nextOpening());
        });
  }

  @Override
  public void markSent(MarkSent input) {
    StoreCall.classified(() -> sendouts.markSent(UUID.fromString(input.sendoutId())));
  }

  @Override
  public void markCompleted(MarkCompleted input) {
    StoreCall.classified(() -> sendouts.markCompleted(UUID.fromString(input.sendoutId())));
  }

  @Override
  public ActionApplied applyAction(ApplyAction input) {
    return StoreCall.classified(() -> actions.apply(input));
  }
}
