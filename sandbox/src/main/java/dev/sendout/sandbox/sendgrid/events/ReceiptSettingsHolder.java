package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.SendGridError;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Holds the Event Webhook settings in force. Readers see one immutable value, so a batch or a
 * message never mixes old and new settings.
 */
@Component
public class ReceiptSettingsHolder {

  private volatile ReceiptSettings current;

  public ReceiptSettingsHolder(ReceiptSettings startup) {
    List<SendGridError> problems = startup.problems();
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid sandbox.sendgrid.receipts settings: "
              + problems.stream().map(SendGridError::message).collect(Collectors.joining(" ")));
    }
    this.current = startup;
  }

  public ReceiptSettings current() {
    return current;
  }

  /**
   * Applies the update unless the merged settings would be invalid, and returns the problems, empty
   * when it was applied. It is synchronized so that two concurrent updates cannot both merge into
   * the same old value and lose one another's fields.
   */
  synchronized List<SendGridError> apply(ReceiptsUpdate update) {
    ReceiptSettings merged = update.applyTo(current);
    List<SendGridError> problems = merged.problems();
    if (problems.isEmpty()) {
      current = merged;
    }
    return problems;
  }
}
