package dev.sendout.sandbox.sendgrid.events;

import dev.sendout.sandbox.sendgrid.SendGridError;
import dev.sendout.sandbox.settings.SettingsChange;
import dev.sendout.sandbox.settings.SettingsHolder;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Holds the Event Webhook settings in force. */
@Component
public class ReceiptSettingsHolder extends SettingsHolder<ReceiptSettings, SendGridError> {

  public ReceiptSettingsHolder(ReceiptSettings startup) {
    super(
        startup,
        ReceiptSettings::problems,
        problems ->
            "Invalid sandbox.sendgrid.receipts settings: "
                + problems.stream().map(SendGridError::message).collect(Collectors.joining(" ")));
  }

  SettingsChange<ReceiptSettings, SendGridError> apply(ReceiptsUpdate update) {
    return change(update::applyTo);
  }
}
