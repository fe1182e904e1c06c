package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SendoutRequestValidatorTest {

  private static final Instant NOW = ValidatorFixture.NOW;
  private final SendoutRequestValidator validator = ValidatorFixture.validator(5);

  private static CreateSendoutRequest request(List<Recipient> recipients, String sendAt) {
    return request(recipients, sendAt, null);
  }

  private static CreateSendoutRequest request(
      List<Recipient> recipients, String sendAt, String receiptTimeout) {
    return new CreateSendoutRequest(
        "EMAIL",
        new Sender("surveys@example.com", "Surveys", null),
        "Hi {{firstName}}",
        "Take it: {{surveyUrl}}",
        null,
        recipients,
        sendAt,
        receiptTimeout);
  }

  private static Recipient recipient(String email) {
    return new Recipient(email, null, null, Map.of("firstName", "A", "surveyUrl", "https://s/1"));
  }

  private List<FieldProblem> problems(CreateSendoutRequest request) {
    return ValidatorFixture.problems(validator, request);
  }

  @Test
  void validRequestSendsNowWhenNoSendAtIsGivenAndAtTheGivenTimeOtherwise() {
    assertThat(validator.validate(request(List.of(recipient("a@example.com")), null)).sendAt())
        .isEqualTo(NOW);
    assertThat(
            validator
                .validate(request(List.of(recipient("a@example.com")), "2026-12-01T09:00:00+01:00"))
                .sendAt())
        .isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
  }

  @Test
  void sendAtInThePastMeansNowAndFarFutureIsRefused() {
    assertThat(
            validator
                .validate(request(List.of(recipient("a@example.com")), "2020-01-01T00:00:00Z"))
                .sendAt())
        .isEqualTo(NOW);
    assertThat(problems(request(List.of(recipient("a@example.com")), "2028-01-01T00:00:00Z")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/sendAt");
  }

  @Test
  void anUploadsChunkIsNotBoundByOneRequestsRecipients() {
    List<Recipient> chunk =
        IntStream.range(0, 6).mapToObj(i -> recipient("u" + i + "@example.com")).toList();
    var content = new EmailContent("surveys@example.com", null, "Hi {{firstName}}", "Go", null);

    assertThatCode(
            () -> validator.validateUploadedRecipients(Channel.EMAIL, content, List.of(), chunk))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> validator.validateRecipients(Channel.EMAIL, content, List.of(), chunk))
        .isInstanceOf(ApiProblem.class);
  }

  @Test
  void moreRecipientsThanTheConfiguredLimitAreRefused() {
    var six = IntStream.range(0, 6).mapToObj(i -> recipient("u" + i + "@example.com")).toList();

    assertThat(problems(request(six, null)))
        .containsExactly(
            new FieldProblem("/recipients", "at most 5 recipients per request, got 6"));
  }

  @Test
  void theSameAddressTwiceIsRefusedWhateverItsCase() {
    assertThat(
            problems(
                request(List.of(recipient("a@example.com"), recipient("A@Example.com")), null)))
        .containsExactly(
            new FieldProblem("/recipients/1/email", "duplicate of /recipients/0/email"));
  }

  @Test
  void everyMissingVariableOfEveryRecipientIsReported() {
    var noVariables = new Recipient("a@example.com", null, null, null);

    assertThat(problems(request(List.of(noVariables), null)))
        .extracting(FieldProblem::detail)
        .containsExactly(
            "no value for template variable {{firstName}}",
            "no value for template variable {{surveyUrl}}");
  }

  @Test
  void aSubjectOverItsLengthOnceARecipientsValuesAreFilledInIsRefusedForThatRecipient() {
    var longName =
        new Recipient(
            "a@example.com", null, null, Map.of("firstName", "x".repeat(996), "surveyUrl", "u"));
    var fitting =
        new Recipient(
            "b@example.com", null, null, Map.of("firstName", "x".repeat(995), "surveyUrl", "u"));

    assertThat(problems(request(List.of(fitting, longName), null)))
        .extracting(FieldProblem::pointer, FieldProblem::detail)
        .containsExactly(
            tuple(
                "/recipients/1/variables",
                "make /subject 999 characters once filled in; at most 998"));
  }

  /** Found by the fuzzer: the subject's check of each recipient's values met no subject (a 500). */
  @Test
  void noSubjectIsAProblemOfItsOwnNotOfEachRecipient() {
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", null, null),
            null,
            "Hi",
            null,
            List.of(new Recipient("a@example.com", null, null, Map.of())),
            null,
            null);

    assertThat(problems(request)).containsExactly(new FieldProblem("/subject", "is required"));
  }

  @Test
  void smsFieldsOnAnEmailRequestAreRefusedWhereTheyAre() {
    var withPhone =
        new Recipient(
            "a@example.com",
            "+447911123456",
            null,
            Map.of("firstName", "A", "surveyUrl", "https://s/1"));
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", "Surveys", "SurveyCo"),
            "Hi {{firstName}}",
            "Take it: {{surveyUrl}}",
            null,
            List.of(withPhone),
            null,
            null);

    assertThat(problems(request))
        .containsExactly(
            new FieldProblem("/from/senderId", "not used for EMAIL channel"),
            new FieldProblem("/recipients/0/phone", "not used for EMAIL channel"));
  }

  @Test
  void anUnknownChannelIsReportedWithoutGuessingWhichFieldsBelong() {
    var request =
        new CreateSendoutRequest(
            "sms",
            new Sender(null, null, "SurveyCo"),
            null,
            "Hi",
            null,
            List.of(new Recipient(null, "+447911123456", null, null)),
            null,
            null);

    assertThat(problems(request))
        .containsExactly(new FieldProblem("/channel", "unknown channel 'sms'; one of: EMAIL, SMS"));
  }

  @Test
  void receiptTimeoutDefaultsToADayForEmailAndMayBeSetWithinBounds() {
    var one = List.of(recipient("a@example.com"));
    assertThat(validator.validate(request(one, null)).receiptTimeout())
        .isEqualTo(Duration.ofHours(24));
    assertThat(validator.validate(request(one, null, "PT2H")).receiptTimeout())
        .isEqualTo(Duration.ofHours(2));
    assertThat(problems(request(one, null, "PT30S")))
        .containsExactly(new FieldProblem("/receiptTimeout", "must be between PT1M and P30D"));
    assertThat(problems(request(one, null, "P31D")))
        .containsExactly(new FieldProblem("/receiptTimeout", "must be between PT1M and P30D"));
    assertThat(problems(request(one, null, "a day")))
        .containsExactly(
            new FieldProblem("/receiptTimeout", "not an ISO 8601 duration such as PT24H"));
  }

  @Test
  void reportIsCappedSoThatAHugeBadFileCannotMakeAHugeAnswer() {
    SendoutRequestValidator roomy = ValidatorFixture.validator(10_000);
    var bad = IntStream.range(0, 500).mapToObj(i -> recipient("bad-" + i)).toList();

    assertThatThrownBy(() -> roomy.validate(request(bad, null)))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.errors()).hasSize(SendoutRequestValidator.MAX_REPORTED + 1);
              assertThat(problem.errors().get(SendoutRequestValidator.MAX_REPORTED).detail())
                  .isEqualTo("400 more problems not listed");
            });
  }

  @Test
  void textThatPostgresOrAHeaderCannotCarryIsRefusedNamingTheField() {
    var recipient =
        new Recipient(
            "a@example.com",
            null,
            "Ann\r\nBcc: victim@example.com",
            Map.of("firstName", "A\nB", "surveyUrl", "https://s/1\u0000"));
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", "Surveys\u0085", null),
            "Hi {{firstName}}\r\nBcc: x@example.com",
            "Take it:\t{{surveyUrl}}\n\u0007",
            "<p>\uD800</p>",
            List.of(recipient),
            null,
            null);

    // In any order: the variables come from a map.
    assertThat(problems(request))
        .containsExactlyInAnyOrder(
            new FieldProblem(
                "/from/name", "must not contain the control character U+0085 at character 7"),
            new FieldProblem(
                "/subject", "must not contain a line break (CR or LF) at character 16"),
            new FieldProblem(
                "/text", "must not contain the control character U+0007 at character 23"),
            new FieldProblem("/html", "is not valid Unicode: a lone surrogate at character 3"),
            new FieldProblem(
                "/recipients/0/name", "must not contain a line break (CR or LF) at character 3"),
            new FieldProblem(
                "/recipients/0/variables/firstName",
                "must not contain a line break (CR or LF) at character 1"),
            new FieldProblem(
                "/recipients/0/variables/surveyUrl",
                "must not contain the control character U+0000 at character 11"));
  }

  @Test
  void lineBreaksAndTabsStayAllowedInBodiesAndInVariablesUsedOnlyThere() {
    var recipient =
        new Recipient(
            "a@example.com",
            null,
            "Ann \uD83D\uDE00",
            Map.of("firstName", "Ann", "surveyUrl", "line one\r\n\tline two"));
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", "Surveys", null),
            "Hi {{firstName}}",
            "Take it:\r\n\t{{surveyUrl}}",
            "<p>\n{{surveyUrl}}</p>",
            List.of(recipient),
            null,
            null);

    assertThat(validator.validate(request).channel()).isNotNull();
  }

  /**
   * Found by a hostile sweep: an email whose subject or body were a variable alone, given blank,
   * went out with an empty subject and an empty body, where the same SMS is refused.
   */
  @Test
  void aSubjectOrABodyThatRendersBlankForARecipientIsRefusedAndNoOtherIs() {
    List<Recipient> recipients =
        List.of(
            new Recipient(
                "a@example.com", null, null, Map.of("firstName", "Ann", "surveyUrl", " ")),
            new Recipient(
                "b@example.com", null, null, Map.of("firstName", "  ", "surveyUrl", "u")));

    assertThat(problems(content("{{firstName}}", " {{surveyUrl}}\n", "{{surveyUrl}}", recipients)))
        .containsExactly(
            new FieldProblem(
                "/recipients/0", "/text and /html become blank with this recipient's variables"),
            new FieldProblem(
                "/recipients/1", "/subject becomes blank with this recipient's variables"));
    // A probe of the rule: a blank text beside an html is still an email with a body.
    assertThat(validator.validate(content("Hi", "{{surveyUrl}}", "<b>hello</b>", recipients)))
        .isNotNull();
  }

  /**
   * Found by a hostile sweep: an empty text beside an html (or the other way round) was accepted,
   * and SendGrid refused every message's request for its empty part (400, all FAILED).
   */
  @Test
  void aBlankPartBesideAnotherIsRefusedAsAReminderOrThankYousIs() {
    assertThat(problems(content("Hi", "", "<b>x</b>")))
        .containsExactly(new FieldProblem("/text", "must not be blank; omit it instead"));
    assertThat(problems(content("Hi", "Hello", " \n")))
        .containsExactly(new FieldProblem("/html", "must not be blank; omit it instead"));
    assertThat(problems(content("Hi", "", " ")))
        .containsExactly(new FieldProblem("/text", "text or html is required"));
  }

  /** Found by a hostile sweep: an empty date-time or duration was taken as none given. */
  @Test
  void anEmptySendTimeOrReceiptTimeoutIsRefusedNotTakenAsNoneGiven() {
    assertThat(problems(request(List.of(recipient("a@example.com")), "", "")))
        .extracting(FieldProblem::pointer)
        .containsExactly("/sendAt", "/receiptTimeout");
  }

  private static CreateSendoutRequest content(String subject, String text, String html) {
    return content(subject, text, html, List.of(recipient("a@example.com")));
  }

  private static CreateSendoutRequest content(
      String subject, String text, String html, List<Recipient> recipients) {
    return new CreateSendoutRequest(
        "EMAIL",
        new Sender("surveys@example.com", "Surveys", null),
        subject,
        text,
        html,
        recipients,
        null,
        null);
  }

  @Test
  void aTemplateErrorIsRefusedNamingThePartWhereItIsAndWhy() {
    assertThat(
            problems(
                content(
                    "Hi {{firstName",
                    "{{#each items}}{{.}}{{/each}}",
                    "<p>\n  {{ first-name }}</p>")))
        .containsExactly(
            new FieldProblem(
                "/subject",
                "template error at line 1, column 4: '{{firstName' is not closed: a tag ends with"
                    + " '}}' on the same line, before the next '{{'"),
            new FieldProblem(
                "/text",
                "template error at line 1, column 1: '{{#each items}}' is a section; only"
                    + " variables are supported: {{name}}, or {{{name}}} and {{& name}} to leave a"
                    + " value unescaped"),
            new FieldProblem(
                "/html",
                "template error at line 2, column 3: '{{ first-name }}' is not a variable name: a"
                    + " name is ASCII letters (A-Z, a-z), digits and _, and does not start with a"
                    + " digit"));
  }

  @Test
  void rawAndSpacedVariablesAreAcceptedAndRequireTheirValues() {
    var request = content("Hi {{ firstName }}", null, "<p>{{{surveyUrl}}} {{& firstName}}</p>");

    assertThat(validator.validate(request).channel()).isNotNull();
    var noValues =
        new CreateSendoutRequest(
            "EMAIL",
            request.from(),
            request.subject(),
            null,
            request.html(),
            List.of(new Recipient("a@example.com", null, null, Map.of())),
            null,
            null);
    assertThat(problems(noValues))
        .extracting(FieldProblem::detail)
        .containsExactly(
            "no value for template variable {{firstName}}",
            "no value for template variable {{surveyUrl}}");
  }

  @Test
  void variablesThatOutgrowSendGridsBoundOnceEscapedForTheHtmlPartAreRefused() {
    var recipient =
        new Recipient(
            "a@example.com", null, null, Map.of("firstName", "&".repeat(4_000), "surveyUrl", "u"));
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", "Surveys", null),
            "Hi",
            null,
            "<p>{{firstName}} {{surveyUrl}}</p>",
            List.of(recipient),
            null,
            null);

    assertThat(problems(request))
        .containsExactly(
            new FieldProblem(
                "/recipients/0/variables",
                "variables exceed 10000 bytes once HTML-escaped for the html part"));
  }

  @Test
  void addressesOutsideThePracticalSubsetAreRefusedWithTheReason() {
    var recipients =
        List.of(
            recipient(".a@example.com"),
            recipient("a.@example.com"),
            recipient("a..b@example.com"),
            recipient("a".repeat(65) + "@example.com"),
            recipient("a@127.0.0.1"),
            recipient("a@[127.0.0.1]"),
            recipient("josé@example.com"),
            recipient("a@-x.com"),
            recipient("a@example"));

    assertThat(ValidatorFixture.problems(ValidatorFixture.validator(20), request(recipients, null)))
        .extracting(FieldProblem::detail)
        .containsExactly(
            "is not a valid email address: it starts or ends the part before the @ with a dot",
            "is not a valid email address: it starts or ends the part before the @ with a dot",
            "is not a valid email address: it has two dots in a row before the @",
            "is not a valid email address: it has 65 characters before the @; at most 64",
            "is not a valid email address: it has an IP address for its domain; give a domain name",
            "is not a valid email address: it has a domain literal such as [127.0.0.1]; give a"
                + " domain name",
            "is not a valid email address: it has non-ASCII characters before the @, which not"
                + " every mail server can take (internationalised local parts, SMTPUTF8, are not"
                + " supported)",
            "is not a valid email address: it has a domain label other than letters, digits and"
                + " hyphens, or one that starts or ends with a hyphen",
            "is not a valid email address: it has a domain without a dot, as in example.com");
  }

  @Test
  void anInternationalisedDomainIsAcceptedAndTheSenderKeptInItsAsciiForm() {
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@bücher.example", "Surveys", null),
            "Hi {{firstName}}",
            "Take it: {{surveyUrl}}",
            null,
            List.of(recipient("ann@exämple.com"), recipient("ann@xn--exmple-cua.com")),
            null,
            null);

    // The same address in both forms is a duplicate.
    assertThat(problems(request))
        .containsExactly(
            new FieldProblem("/recipients/1/email", "duplicate of /recipients/0/email"));
    var one =
        new CreateSendoutRequest(
            request.channel(),
            request.from(),
            request.subject(),
            request.text(),
            null,
            List.of(recipient("ann@exämple.com")),
            null,
            null);
    assertThat(((EmailContent) validator.validate(one).content()).fromAddress())
        .isEqualTo("surveys@xn--bcher-kva.example");
  }

  @Test
  void addedRecipientsMeetTheSameAddressRule() {
    var stored = new EmailContent("s@example.com", null, "Hi {{firstName}}", null, null);

    assertThatThrownBy(
            () ->
                validator.validateRecipients(
                    Channel.EMAIL, stored, List.of(), List.of(recipient("a..b@example.com"))))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.errors())
                    .containsExactly(
                        new FieldProblem(
                            "/recipients/0/email",
                            "is not a valid email address: it has two dots in a row before the"
                                + " @")));
  }
}
