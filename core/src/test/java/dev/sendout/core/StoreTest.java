package dev.sendout.core;

import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.reminder.Reminder;
import dev.sendout.core.response.ThankYou;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Base of tests that need the store on a real Postgres, migrated by Flyway as in production. */
@SpringBootTest(classes = CoreTestApplication.class)
public abstract class StoreTest {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", TestDatabase::url);
  }

  protected static final EmailContent CONTENT =
      new EmailContent(
          "surveys@example.com", "Surveys", "Hi {{firstName}}", "Go to {{surveyUrl}}", null);

  /** The sendout with this content, these reminders and this thank-you, closing in a week. */
  protected static NewSendout withFollowUps(
      NewSendout plain, Object content, List<Reminder> reminders, ThankYou thankYou) {
    return new NewSendout(
        plain.id(),
        plain.tenantId(),
        plain.channel(),
        content,
        plain.sendAt(),
        plain.receiptTimeout(),
        null,
        "hash",
        plain.recipients(),
        null,
        null,
        reminders,
        Instant.now().plus(Duration.ofDays(7)),
        thankYou);
  }

  protected static NewSendout emailSendout(int recipients) {
    return emailSendout(recipients, null);
  }

  protected static NewSendout emailSendout(int recipients, String idempotencyKey) {
    return emailSendout("tenant-a", recipients, idempotencyKey);
  }

  /**
   * An email sendout of the given tenant. Tests whose receipts suppress addresses use a tenant of
   * their own, so that the shared tenant's user0@example.com... stay sendable for every other test.
   */
  protected static NewSendout emailSendout(String tenantId, int recipients, String idempotencyKey) {
    List<NewSendout.Recipient> list =
        IntStream.range(0, recipients)
            .mapToObj(
                i ->
                    new NewSendout.Recipient(
                        "user" + i + "@example.com",
                        "User " + i,
                        Map.of("firstName", "U" + i, "surveyUrl", "https://s.example.com/" + i)))
            .toList();
    return new NewSendout(
        UUID.randomUUID(),
        tenantId,
        Channel.EMAIL,
        CONTENT,
        Instant.now(),
        Duration.ofHours(24),
        idempotencyKey,
        "hash",
        list);
  }

  /** An SMS sendout to +447911123410, +447911123411...: "Tell us: {{url}}", a URL each. */
  protected static NewSendout smsSendout(int recipients) {
    List<NewSendout.Recipient> list =
        IntStream.range(0, recipients)
            .mapToObj(
                i ->
                    new NewSendout.Recipient(
                        "+4477009001" + (10 + i), null, Map.of("url", "https://s.example/" + i)))
            .toList();
    return new NewSendout(
        UUID.randomUUID(),
        "tenant-a",
        Channel.SMS,
        new SmsContent("Surveys", "Tell us: {{url}}", SmsSegments.Encoding.GSM_7, 1, recipients),
        Instant.now(),
        Duration.ofHours(72),
        null,
        "hash",
        list);
  }

  /** The sendout's whole audit trail, oldest first. */
  protected static List<AuditTrail.Entry> trail(AuditTrail audit, UUID id) {
    return audit.list(id, 0, 10_000).stream().map(AuditTrail.Listed::entry).toList();
  }
}
