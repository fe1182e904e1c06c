package dev.sendout.workflows.sendout;

import java.time.Instant;

/**
 * Input of {@link SendoutWorkflow}: what the workflow needs from the sendout record, the settings
 * it runs with, and, after a continue-as-new, where it left off.
 *
 * @param checkpoint null on the first run; the carried state after a continue-as-new
 * @param quietHours whether the sendout has a delivery window: its messages are released only while
 *     their window is open (from version 1 of {@code quiet-hours}); false in inputs written before
 *     windows existed
 * @param reminders how many reminders the sendout declares (their content and timing live in the
 *     store); 0 in inputs written before reminders existed
 * @param closesAt when the survey closes: nothing is sent after it; null when it never closes
 * @param thanks whether the sendout thanks those who respond: it then stays open for their
 *     thank-yous until {@code closesAt}, which it requires; false in inputs written before
 *     thank-yous existed
 * @param paused a first run that starts paused: the watchdog restarting the workflow of a sendout
 *     the store has paused (its run was terminated); false otherwise, and in inputs written before
 * @param cancelled a first run that starts cancelled, for the same reason: it sends nothing, takes
 *     no action but an acknowledgement, and awaits the receipts of what was sent before
 */
public record StartSendout(
    String sendoutId,
    String tenantId,
    Channel channel,
    int recipientCount,
    Instant sendAt,
    SendoutSettings settings,
    SendoutCheckpoint checkpoint,
    boolean quietHours,
    int reminders,
    Instant closesAt,
    boolean thanks,
    boolean paused,
    boolean cancelled) {

  /** A sendout neither paused nor cancelled when its run starts. */
  public StartSendout(
      String sendoutId,
      String tenantId,
      Channel channel,
      int recipientCount,
      Instant sendAt,
      SendoutSettings settings,
      SendoutCheckpoint checkpoint,
      boolean quietHours,
      int reminders,
      Instant closesAt,
      boolean thanks) {
    this(
        sendoutId,
        tenantId,
        channel,
        recipientCount,
        sendAt,
        settings,
        checkpoint,
        quietHours,
        reminders,
        closesAt,
        thanks,
        false,
        false);
  }

  /** A sendout without thank-yous. */
  public StartSendout(
      String sendoutId,
      String tenantId,
      Channel channel,
      int recipientCount,
      Instant sendAt,
      SendoutSettings settings,
      SendoutCheckpoint checkpoint,
      boolean quietHours,
      int reminders,
      Instant closesAt) {
    this(
        sendoutId,
        tenantId,
        channel,
        recipientCount,
        sendAt,
        settings,
        checkpoint,
        quietHours,
        reminders,
        closesAt,
        false);
  }

  /** A sendout without reminders or a closing date. */
  public StartSendout(
      String sendoutId,
      String tenantId,
      Channel channel,
      int recipientCount,
      Instant sendAt,
      SendoutSettings settings,
      SendoutCheckpoint checkpoint,
      boolean quietHours) {
    this(
        sendoutId,
        tenantId,
        channel,
        recipientCount,
        sendAt,
        settings,
        checkpoint,
        quietHours,
        0,
        null);
  }

  /** A sendout without a delivery window. */
  public StartSendout(
      String sendoutId,
      String tenantId,
      Channel channel,
      int recipientCount,
      Instant sendAt,
      SendoutSettings settings,
      SendoutCheckpoint checkpoint) {
    this(sendoutId, tenantId, channel, recipientCount, sendAt, settings, checkpoint, false);
  }

  /** Whether the sendout has reminders or a closing date (from version 1 of {@code reminders}). */
  boolean remindsOrCloses() {
    return reminders > 0 || closesAt != null;
  }

  /** This first run's input, starting paused or cancelled ({@link #paused}, {@link #cancelled}). */
  public StartSendout startingAs(boolean paused, boolean cancelled) {
    return with(checkpoint, paused, cancelled);
  }

  StartSendout continueFrom(SendoutCheckpoint next) {
    return with(next, false, false);
  }

  private StartSendout with(SendoutCheckpoint checkpoint, boolean paused, boolean cancelled) {
    return new StartSendout(
        sendoutId,
        tenantId,
        channel,
        recipientCount,
        sendAt,
        settings,
        checkpoint,
        quietHours,
        reminders,
        closesAt,
        thanks,
        paused,
        cancelled);
  }
}
