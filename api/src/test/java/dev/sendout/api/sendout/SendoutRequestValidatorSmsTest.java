package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments.Encoding;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SendoutRequestValidatorSmsTest {

  private static final String TEXT = "Hi {{firstName}}, tell us: {{surveyUrl}}";
  private static final String URL = "https://s.example.com/x1";

  private final SendoutRequestValidator validator = ValidatorFixture.validator(5);

  private static CreateSendoutRequest sms(String senderId, String text, Recipient... recipients) {
    return new CreateSendoutRequest(
        "SMS", new Sender(null, null, senderId), null, text, null, List.of(recipients), null, null);
  }

  private static CreateSendoutRequest sms(Recipient... recipients) {
    return sms("SurveyCo", TEXT, recipients);
  }

  private static Recipient to(String phone, String firstName) {
    return new Recipient(null, phone, null, Map.of("firstName", firstName, "surveyUrl", URL));
  }

  private List<FieldProblem> problems(CreateSendoutRequest request) {
    return ValidatorFixture.problems(validator, request);
  }

  @Test
  void validSmsRequestCarriesItsSenderTextAndTheCostOfEveryRecipientsRenderedText() {
    var valid =
        validator.validate(
            sms(
                to("+447911123456", "Ann"), // 41 GSM-7 septets: 1 segment
                to("+447911123457", "Zoë"), // ë is not GSM-7: 41 UCS-2 units, 1 segment
                to("+14155550100", "a".repeat(150)))); // 188 septets: 2 segments

    assertThat(valid.channel()).isEqualTo(Channel.SMS);
    assertThat(valid.content()).isEqualTo(new SmsContent("SurveyCo", TEXT, Encoding.UCS_2, 2, 4));
  }

  @Test
  void smsOfOnlyGsmTextIsGsm7() {
    var valid = validator.validate(sms(to("+447911123456", "Ann"), to("+447911123457", "Bo")));

    assertThat(valid.content()).isEqualTo(new SmsContent("SurveyCo", TEXT, Encoding.GSM_7, 1, 2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SurveyCo",
        "A",
        "Survey Co 1",
        "1Survey",
        "+447911123456",
        "447700900123",
        "12345678",
        "123456789012345"
      })
  void alphanumericSenderIdsAndNumbersAreAcceptedAsSender(String senderId) {
    assertThat(validator.validate(sms(senderId, TEXT, to("+447911123456", "Ann"))).content())
        .extracting(c -> ((SmsContent) c).senderId())
        .isEqualTo(senderId);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SurveyCompany", // 13 characters
        "Survey Co 12", // 12 characters
        " SurveyCo",
        "SurveyCo ",
        "Survey-Co",
        "Surveyé",
        "12345", // no letter, and too short for a number
        "1234567", // 7 digits
        "1234567890123456", // 16 digits
        "0447700900123",
        "+0447700900123",
        "+44 7700 900123"
      })
  void anythingElseIsRefusedAsSenderId(String senderId) {
    assertThat(problems(sms(senderId, TEXT, to("+447911123456", "Ann"))))
        .containsExactly(
            new FieldProblem(
                "/from/senderId",
                "is not a valid sender id: 1 to 11 letters, digits and spaces with at least one"
                    + " letter, or a phone number in E.164 format such as +447911123456"));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", " "})
  void senderIdIsRequired(String senderId) {
    assertThat(problems(sms(senderId, TEXT, to("+447911123456", "Ann"))))
        .containsExactly(new FieldProblem("/from/senderId", "is required"));
  }

  @Test
  void senderAndTextAreRequired() {
    var request =
        new CreateSendoutRequest(
            "SMS", null, null, null, null, List.of(to("+447911123456", "Ann")), null, null);

    assertThat(problems(request))
        .containsExactly(
            new FieldProblem("/from", "is required"), new FieldProblem("/text", "is required"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "447911123456", // no +
        "+0447911123456",
        "+1234567", // 7 digits
        "+1234567890123456", // 16 digits
        "+12345678", // well-formed, but in no numbering plan
        "+447700900123", // Ofcom's drama range: the right length, never given to anyone
        "+99912345678", // no country has the code 999
        "+44 7911 12345", // a digit short
        "+1-800-FLOWERS", // letters are no SMS recipient
        "ann@example.com"
      })
  void recipientsMustBeValidNumbersInInternationalForm(String phone) {
    assertThat(problems(sms(to("+447911123456", "Ann"), to(phone, "Bo"))))
        .containsExactly(
            new FieldProblem("/recipients/1/phone", SmsRequestRules.NOT_A_PHONE_NUMBER));
  }

  @Test
  void shortAndLongNumbersOfRealNumberingPlansAreAccepted() {
    assertThat(validator.validate(sms(to("+6834002", "A"), to("+4915123456789", "B")))).isNotNull();
  }

  @Test
  void numbersWrittenWithSpacesHyphensOrParenthesesAreTheSameNumberInE164() {
    assertThat(validator.validate(sms(to("+44 7911 123456", "A"), to("+1 (201) 555-0123", "B"))))
        .isNotNull();
    assertThat(problems(sms(to("+447911123456", "Ann"), to("+44-7911-123456", "Bo"))))
        .containsExactly(
            new FieldProblem("/recipients/1/phone", "duplicate of /recipients/0/phone"));
  }

  @Test
  void aTextOfTagsThatRenderToNothingIsBoundAsWrittenSinceEachRecipientRendersIt() {
    // 1,667 empty-valued tags fit 1,000 characters once rendered, but each recipient renders them.
    String tags = "{{e}}".repeat(2001) + " {{firstName}} {{surveyUrl}}";
    assertThat(problems(sms("SurveyCo", tags, to("+447911123456", "Ann"))))
        .containsExactly(
            new FieldProblem(
                "/text",
                "at most 10000 characters as written, tags included, got " + tags.length()));
  }

  @Test
  void aRecipientWithoutPhoneIsRefused() {
    assertThat(problems(sms(to(null, "Ann"))))
        .containsExactly(new FieldProblem("/recipients/0/phone", "is required"));
  }

  @Test
  void theSameNumberTwiceIsRefused() {
    assertThat(
            problems(
                sms(
                    to("+447911123456", "Ann"),
                    to("+447911123457", "Bo"),
                    to("+447911123456", "Cy"))))
        .containsExactly(
            new FieldProblem("/recipients/2/phone", "duplicate of /recipients/0/phone"));
  }

  @Test
  void emailFieldsOnAnSmsRequestAreRefusedWhereTheyAre() {
    var request =
        new CreateSendoutRequest(
            "SMS",
            new Sender("surveys@example.com", "Surveys", "SurveyCo"),
            "Subject",
            TEXT,
            "<p>Hi</p>",
            List.of(
                new Recipient(
                    "ann@example.com",
                    "+447911123456",
                    "Ann",
                    Map.of("firstName", "Ann", "surveyUrl", URL))),
            null,
            null);

    assertThat(problems(request))
        .containsExactly(
            new FieldProblem("/from/email", "not used for SMS channel"),
            new FieldProblem("/from/name", "not used for SMS channel"),
            new FieldProblem("/subject", "not used for SMS channel"),
            new FieldProblem("/html", "not used for SMS channel"),
            new FieldProblem("/recipients/0/email", "not used for SMS channel"));
  }

  @Test
  void aRecipientWhoseRenderedTextExceedsTheSmsLimitIsNamedWithTheLengthItReached() {
    String text = "Hi {{firstName}}";

    assertThat(
            problems(
                sms(
                    "SurveyCo",
                    text,
                    new Recipient(null, "+447911123456", null, Map.of("firstName", "Ann")),
                    new Recipient(
                        null, "+447911123457", null, Map.of("firstName", "x".repeat(998))))))
        .containsExactly(
            new FieldProblem(
                "/recipients/1",
                "text becomes 1001 characters with this recipient's variables; an SMS text is at"
                    + " most 1000 characters"));
  }

  @Test
  void aRenderedTextOfExactly1000CharactersIsAccepted() {
    var valid =
        validator.validate(
            sms(
                "SurveyCo",
                "Hi {{firstName}}",
                new Recipient(null, "+447911123456", null, Map.of("firstName", "x".repeat(997)))));

    assertThat(((SmsContent) valid.content()).segments()).isEqualTo(7);
  }

  @Test
  void aTextTooLongWithoutItsVariablesIsReportedOnceAtText() {
    assertThat(problems(sms("SurveyCo", "x".repeat(1001), to("+447911123456", "Ann"))))
        .containsExactly(
            new FieldProblem("/text", "at most 1000 characters (the SMS limit), got 1001"));
    assertThat(
            problems(
                sms(
                    "SurveyCo",
                    "x".repeat(1001) + "{{firstName}}",
                    to("+447911123456", "Ann"),
                    to("+447911123457", "Bo"))))
        .containsExactly(
            new FieldProblem(
                "/text",
                "at most 1000 characters (the SMS limit), got 1001 without its variables"));
  }

  @Test
  void aMissingVariableIsReportedAndTheTextIsNotMeasuredWithAGap() {
    var noName = new Recipient(null, "+447911123456", null, Map.of("surveyUrl", URL));

    assertThat(problems(sms(noName)))
        .containsExactly(
            new FieldProblem(
                "/recipients/0/variables", "no value for template variable {{firstName}}"));
  }

  @Test
  void aTextThatRendersBlankIsRefused() {
    var blank = new Recipient(null, "+447911123456", null, Map.of("message", " "));

    assertThat(problems(sms("SurveyCo", "{{message}}", blank)))
        .containsExactly(
            new FieldProblem(
                "/recipients/0", "text becomes blank with this recipient's variables"));
  }

  @Test
  void receiptTimeoutDefaultsTo72HoursForSmsAndMayBeSet() {
    var one = to("+447911123456", "Ann");
    assertThat(validator.validate(sms(one)).receiptTimeout()).isEqualTo(Duration.ofHours(72));

    var withTimeout =
        new CreateSendoutRequest(
            "SMS",
            new Sender(null, null, "SurveyCo"),
            null,
            TEXT,
            null,
            List.of(one),
            null,
            "PT2H");
    assertThat(validator.validate(withTimeout).receiptTimeout()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void anSmsTextOrVariableWithNulIsRefusedWhileLineBreaksAreKept() {
    assertThat(problems(sms("SurveyCo", "Hi\u0000 {{firstName}}", to("+447911123456", "Ann"))))
        .containsExactly(
            new FieldProblem(
                "/text", "must not contain the control character U+0000 at character 2"));
    assertThat(problems(sms("SurveyCo", "Hi\n{{firstName}}", to("+447911123456", "A\u001bB"))))
        .containsExactly(
            new FieldProblem(
                "/recipients/0/variables/firstName",
                "must not contain the control character U+001B at character 1"));
    assertThat(
            validator.validate(sms("SurveyCo", "Hi\n{{firstName}}", to("+447911123456", "A\nB"))))
        .isNotNull();
  }

  @Test
  void anSmsTemplateErrorIsRefusedAtTextAndARawVariableRendersAsAnyOther() {
    assertThat(problems(sms("SurveyCo", "Hi {{firstName} {{surveyUrl}}", to("+447911123456", "A"))))
        .containsExactly(
            new FieldProblem(
                "/text",
                "template error at line 1, column 4: '{{firstName} ' is not closed: a tag ends"
                    + " with '}}' on the same line, before the next '{{'"));

    var raw =
        validator.validate(
            sms(
                "SurveyCo",
                "{{{firstName}}}{{& surveyUrl}}",
                to("+447911123456", "a".repeat(137))));
    // 137 + 24 = 161 GSM-7 characters, two segments: both variables were rendered.
    assertThat(((SmsContent) raw.content()).segments()).isEqualTo(2);
  }
}
