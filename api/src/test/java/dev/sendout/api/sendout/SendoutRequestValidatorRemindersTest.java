package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Reminder;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.api.sendout.CreateSendoutRequest.ThankYou;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reminders, the closing date and the thank-you on create, each mistake a 400 that names its field.
 */
class SendoutRequestValidatorRemindersTest {

  private static final String SEND_AT = "2026-12-01T09:00:00Z";

  private final SendoutRequestValidator validator = ValidatorFixture.validator(5);

  private static CreateSendoutRequest email(List<Reminder> reminders, String closesAt) {
    return email(reminders, closesAt, SEND_AT);
  }

  private static CreateSendoutRequest email(
      List<Reminder> reminders, String closesAt, String sendAt) {
    return new CreateSendoutRequest(
        "EMAIL",
        new Sender("surveys@example.com", "Surveys", null),
        "{{firstName}}, how was it?",
        "Tell us: {{surveyUrl}}",
        null,
        List.of(recipient()),
        sendAt,
        null,
        null,
        null,
        reminders,
        closesAt);
  }

  private static CreateSendoutRequest withThankYou(
      CreateSendoutRequest r, String closesAt, ThankYou thankYou) {
    return new CreateSendoutRequest(
        r.channel(),
        r.from(),
        r.subject(),
        r.text(),
        r.html(),
        r.recipients(),
        r.sendAt(),
        r.receiptTimeout(),
        r.window(),
        r.timeZone(),
        r.reminders(),
        closesAt,
        thankYou);
  }

  private static CreateSendoutRequest sms(List<Reminder> reminders) {
    return new CreateSendoutRequest(
        "SMS",
        new Sender(null, null, "SurveyCo"),
        null,
        "Hi {{firstName}}",
        null,
        List.of(new Recipient(null, "+12015550123", null, Map.of("firstName", "Ann"), null, null)),
        SEND_AT,
        null,
        null,
        null,
        reminders,
        null);
  }

  private static Recipient recipient() {
    return new Recipient(
        "ann@example.com",
        null,
        null,
        Map.of("firstName", "Ann", "surveyUrl", "https://s.example.com/1"),
        null,
        null);
  }

  private static Reminder after(String after) {
    return new Reminder(after, null, null, null);
  }

  private List<FieldProblem> problems(CreateSendoutRequest request) {
    return ValidatorFixture.problems(validator, request);
  }

  @Test
  void remindersWithTheirOwnContentBeforeTheCloseAreAccepted() {
    var valid =
        validator.validate(
            email(
                List.of(new Reminder("P3D", "Reminder: {{firstName}}", null, null), after("P7D")),
                "2026-12-15T09:00:00Z"));

    assertThat(valid.reminders())
        .containsExactly(
            new dev.sendout.core.reminder.Reminder("P3D", "Reminder: {{firstName}}", null, null),
            new dev.sendout.core.reminder.Reminder("P7D", null, null, null));
    assertThat(valid.closesAt()).hasToString("2026-12-15T09:00:00Z");
  }

  /** Found by a hostile sweep: an empty date-time was taken as none given. */
  @Test
  void anEmptyCloseIsNoDateTime() {
    assertThat(problems(email(List.of(after("P3D")), "")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/closesAt");
  }

  @Test
  void aReminderAfterTheCloseNamesItsField() {
    assertThat(problems(email(List.of(after("P3D"), after("P10D")), "2026-12-08T09:00:00Z")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/reminders/1/after");
  }

  @Test
  void aReminderLessThanAnHourAfterTheOneBeforeIsRefusedSinceItsWaveWouldSkipThatOne() {
    assertThat(problems(email(List.of(after("PT1M"), after("PT2M"), after("PT1H2M")), null)))
        .extracting(FieldProblem::pointer, FieldProblem::detail)
        .containsExactly(
            tuple(
                "/reminders/1/after",
                "must be at least an hour later than the reminder before it (PT1M): a reminder"
                    + " wave takes everyone due within the hour, with the latest reminder due"));
    assertThat(validator.validate(email(List.of(after("PT1M"), after("PT1H1M")), null)).reminders())
        .hasSize(2);
  }

  @Test
  void aReminderTooSoonAfterANullOneIsComparedWithTheLastValidOneNotTheNull() {
    // A null element between two reminders once answered 500: the detail read the null's "after".
    assertThat(problems(email(Arrays.asList(after("P1D"), null, after("PT1H")), null)))
        .extracting(FieldProblem::pointer, FieldProblem::detail)
        .containsExactly(
            tuple("/reminders/1", "must be an object with at least \"after\""),
            tuple(
                "/reminders/2/after",
                "must be at least an hour later than the reminder before it (P1D): a reminder"
                    + " wave takes everyone due within the hour, with the latest reminder due"));
    assertThat(problems(email(List.of(after("P1D"), after("soon"), after("PT1H")), null)))
        .extracting(FieldProblem::pointer)
        .containsExactly("/reminders/1/after", "/reminders/2/after");
  }

  @Test
  void aVariableInAReminderOrThankYouSubjectMustBeOneLineThoughTheInvitationUsesItOnlyInItsText() {
    // surveyUrl is in the invitation's text only; SendGrid fills it into the later subjects too.
    var broken =
        new Recipient(
            "ann@example.com",
            null,
            null,
            Map.of(
                "firstName", "Ann", "surveyUrl", "https://s.example.com/1\r\nBcc: x@evil.example"),
            null,
            null);
    var lineBreak =
        new FieldProblem(
            "/recipients/0/variables/surveyUrl",
            "must not contain a line break (CR or LF) at character 23");
    var request =
        email(List.of(new Reminder("P3D", "Still time: {{surveyUrl}}", null, null)), null);
    assertThat(problems(withRecipients(request, broken))).containsExactly(lineBreak);
    var thanked =
        withThankYou(
            email(null, null),
            "2026-12-15T09:00:00Z",
            new ThankYou("Thanks for {{surveyUrl}}", "Thanks!", null));
    assertThat(problems(withRecipients(thanked, broken))).containsExactly(lineBreak);
    // Without a later subject that uses it, a line break in a body-only variable is fine.
    assertThat(validator.validate(withRecipients(email(List.of(after("P3D")), null), broken)))
        .isNotNull();

    // And so for recipients added later, checked against the stored sendout's subjects.
    var stored =
        new EmailContent("surveys@example.com", null, "Survey", "Tell us: {{surveyUrl}}", null);
    assertThatThrownBy(
            () ->
                validator.validateRecipients(
                    Channel.EMAIL,
                    stored,
                    List.of(
                        new LaterContent("/reminders/0", "Still time: {{surveyUrl}}", null, null)),
                    List.of(broken)))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.errors()).containsExactly(lineBreak));
    validator.validateRecipients(Channel.EMAIL, stored, List.of(), List.of(broken));
  }

  @Test
  void anSmsReminderTextThatARecipientsValuesMakeTooLongIsRefusedForThatRecipientNotFailedAtSend() {
    // 999 characters as written; with a first name of 20 letters, 1,006 once filled in.
    String text = "x".repeat(985) + " {{firstName}}";
    var longName =
        new Recipient(null, "+12015550123", null, Map.of("firstName", "A".repeat(20)), null, null);
    var tooLong =
        new FieldProblem(
            "/recipients/0",
            "/reminders/0/text becomes 1006 characters with this recipient's"
                + " variables; an SMS text is at most 1000 characters");

    var request = sms(List.of(new Reminder("P3D", null, text, null)));
    assertThat(problems(withRecipients(request, longName))).containsExactly(tooLong);
    assertThat(validator.validate(request).reminders()).hasSize(1);
    var stored = new SmsContent("SurveyCo", "Hi {{firstName}}", null, 1, 1);
    assertThatThrownBy(
            () ->
                validator.validateRecipients(
                    Channel.SMS,
                    stored,
                    List.of(new LaterContent("/reminders/0", null, text, null)),
                    List.of(longName)))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.errors()).containsExactly(tooLong));
  }

  @Test
  void aVariableThatOnlyAReminderEscapesForItsHtmlCountsTwiceAgainstSendGridsBound() {
    // The reminder's request carries {{surveyUrl}} for the text and {{surveyUrl|html}}: 12 KB.
    var big =
        new Recipient(
            "ann@example.com",
            null,
            null,
            Map.of("firstName", "Ann", "surveyUrl", "https://s.example.com/" + "a".repeat(6000)),
            null,
            null);
    var htmlReminder = new Reminder("P3D", null, null, "<p>Still time: {{surveyUrl}}</p>");

    assertThat(validator.validate(withRecipients(email(List.of(after("P3D")), null), big)))
        .isNotNull();
    assertThat(problems(withRecipients(email(List.of(htmlReminder), null), big)))
        .containsExactly(
            new FieldProblem(
                "/recipients/0/variables",
                "variables exceed 10000 bytes once HTML-escaped for the html part"));
  }

  private static CreateSendoutRequest withRecipients(CreateSendoutRequest r, Recipient recipient) {
    return withThankYou(
        new CreateSendoutRequest(
            r.channel(),
            r.from(),
            r.subject(),
            r.text(),
            r.html(),
            List.of(recipient),
            r.sendAt(),
            r.receiptTimeout(),
            r.window(),
            r.timeZone(),
            r.reminders(),
            r.closesAt()),
        r.closesAt(),
        r.thankYou());
  }

  @Test
  void aCloseMoreThan366DaysAfterTheSendTimeIsRefused() {
    Instant sendAt = Instant.parse(SEND_AT);

    assertThat(validator.validate(email(List.of(), sendAt.plus(Duration.ofDays(366)).toString())))
        .extracting(valid -> valid.closesAt())
        .isEqualTo(sendAt.plus(Duration.ofDays(366)));
    assertThat(problems(email(List.of(), "9999-12-31T23:59:59Z")))
        .extracting(FieldProblem::pointer, FieldProblem::detail)
        .containsExactly(tuple("/closesAt", "at most 366 days after the send time"));
  }

  /** The checks after the send time's counted from it: this one threw DateTimeException, a 500. */
  @Test
  void aSendTimeAtTheEndOfTimeIsRefusedWithoutOverflowingTheChecksAfterIt() {
    var endOfTime =
        email(
            List.of(after("P1D")),
            "+999999999-12-31T23:59:59-18:00",
            "+999999999-12-31T23:59:59-17:00");

    assertThat(problems(endOfTime))
        .extracting(FieldProblem::pointer)
        .containsExactly("/sendAt", "/closesAt");
  }

  @Test
  void moreThanTenRemindersAreRefused() {
    assertThat(problems(email(Collections.nCopies(11, after("P1D")), null)))
        .extracting(FieldProblem::pointer)
        .containsExactly("/reminders");
  }

  @Test
  void nonPositiveMalformedMissingAndOutOfOrderDurationsNameTheirFields() {
    assertThat(
            problems(
                email(
                    List.of(
                        after("PT0S"),
                        after("-P1D"),
                        after("3 days"),
                        after(null),
                        after("P5D"),
                        after("P4D")),
                    null)))
        .extracting(FieldProblem::pointer)
        .containsExactly(
            "/reminders/0/after",
            "/reminders/1/after",
            "/reminders/2/after",
            "/reminders/3/after",
            "/reminders/5/after");
    assertThat(problems(email(List.of(after("PT0.5S"), after("PT2H0.001S")), null)))
        .extracting(FieldProblem::detail)
        .containsExactly(
            "a whole number of seconds, got PT0.5S", "a whole number of seconds, got PT2H0.001S");
  }

  @Test
  void aCloseBeforeTheSendTimeOrMalformedIsRefused() {
    assertThat(problems(email(null, "2026-11-30T09:00:00Z")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/closesAt");
    assertThat(problems(email(null, "next week")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/closesAt");
  }

  @Test
  void reminderContentMayUseOnlyTheInvitationsVariables() {
    assertThat(problems(email(List.of(new Reminder("P3D", "Hi {{lastName}}", null, null)), null)))
        .extracting(FieldProblem::pointer)
        .containsExactly("/reminders/0/subject");
  }

  @Test
  void anSmsReminderCarriesTextOnly() {
    assertThat(problems(sms(List.of(new Reminder("P3D", "Subject", "Hi again", "<p>x</p>")))))
        .extracting(FieldProblem::pointer)
        .containsExactly("/reminders/0/subject", "/reminders/0/html");
  }

  @Test
  void aThankYouWithItsOwnContentAndACloseIsAccepted() {
    var valid =
        validator.validate(
            withThankYou(
                email(null, null),
                "2026-12-15T09:00:00Z",
                new ThankYou("Thank you, {{firstName}}", "Thanks!", null)));

    assertThat(valid.thankYou())
        .isEqualTo(
            new dev.sendout.core.response.ThankYou("Thank you, {{firstName}}", "Thanks!", null));
  }

  @Test
  void aThankYouNeedsACloseAndContentOfItsOwn() {
    assertThat(problems(withThankYou(email(null, null), null, new ThankYou(null, null, null))))
        .extracting(FieldProblem::pointer)
        .containsExactly("/thankYou", "/thankYou/subject", "/thankYou");
    assertThat(
            problems(
                withThankYou(
                    sms(null), "2026-12-15T09:00:00Z", new ThankYou("Thanks", null, "<p>x</p>"))))
        .extracting(FieldProblem::pointer)
        .containsExactly("/thankYou/text", "/thankYou/subject", "/thankYou/html");
    assertThat(
            problems(
                withThankYou(
                    email(null, null),
                    "2026-12-15T09:00:00Z",
                    new ThankYou("Thanks {{lastName}}", " ", null))))
        .extracting(FieldProblem::pointer)
        .containsExactly("/thankYou/subject", "/thankYou/text");
  }
}
