package dev.sendout.core.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.reminder.Reminder;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ReminderContentTest extends StoreTest {

  @Autowired SendoutStore sendouts;

  @Test
  void aReminderReplacesTheSubjectItGivesAndTheWholeBodyIfItGivesAny() {
    UUID id =
        sendouts
            .create(
                withFollowUps(
                    emailSendout(1),
                    new EmailContent(
                        "s@example.com", "S", "Invite", "Invite text", "<p>Invite</p>"),
                    List.of(
                        new Reminder("P1D", "Reminder", "Reminder text", null),
                        new Reminder("P2D", null, null, "<p>Reminder</p>"),
                        new Reminder("P3D", "Last call", null, null)),
                    null))
            .sendout()
            .id();

    assertThat(content(id, 0))
        .isEqualTo(new EmailContent("s@example.com", "S", "Reminder", "Reminder text", null));
    assertThat(content(id, 1))
        .isEqualTo(new EmailContent("s@example.com", "S", "Invite", null, "<p>Reminder</p>"));
    assertThat(content(id, 2))
        .isEqualTo(
            new EmailContent("s@example.com", "S", "Last call", "Invite text", "<p>Invite</p>"));
  }

  private EmailContent content(UUID id, int reminder) {
    return sendouts.content(id, ContentKey.reminder(reminder), EmailContent.class);
  }
}
