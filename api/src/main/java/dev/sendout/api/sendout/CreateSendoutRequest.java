package dev.sendout.api.sendout;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/sendouts}. Fields are read as plain strings and checked by {@link
 * SendoutRequestValidator}, so that every mistake is reported with its field, not as a parse error.
 *
 * <p>Fields added after email went live are left out of the JSON when null, so that the fingerprint
 * of an email request, which guards its Idempotency-Key, stays what it was.
 */
@Schema(
    example =
        """
        {"channel":"EMAIL","from":{"email":"surveys@example.com","name":"Example Surveys"},\
        "subject":"{{firstName}}, how was your visit?",\
        "text":"Hello {{firstName}}, tell us: {{surveyUrl}}","recipients":[{"email":"ann@example.com",\
        "name":"Ann Example","variables":{"firstName":"Ann","surveyUrl":"https://s.example.com/x1"}}]}""")
public record CreateSendoutRequest(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            example = "EMAIL",
            allowableValues = {"EMAIL", "SMS"})
        String channel,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Sender from,
    @Schema(
            description =
                "Email only; one line. A template: {{name}} is the recipient's variable of that"
                    + " name, as given",
            example = "{{firstName}}, how was your visit?")
        String subject,
    @Schema(
            description =
                "The message; for SMS required, and at most 1,000 characters once a recipient's"
                    + " variables are filled in; for email, text or html or both, neither given"
                    + " blank (omit it instead). A template: {{name}} is the recipient's variable"
                    + " of that name, as given",
            example = "Hello {{firstName}}, tell us: {{surveyUrl}}")
        String text,
    @Schema(
            description =
                "Email only; not blank (omit it instead). A template: {{name}} is the"
                    + " recipient's variable HTML-escaped,"
                    + " {{{name}}} or {{& name}} the variable as given. Only Mustache variables"
                    + " are supported: an unclosed tag, a section, partial or comment is a 400",
            example = "<p>Hello {{firstName}}, <a href=\"{{surveyUrl}}\">tell us</a></p>")
        String html,
    @ArraySchema(minItems = 1) @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
        List<Recipient> recipients,
    @Schema(
            description = "RFC 3339 date-time; omitted or past means now",
            example = "2026-12-01T09:00:00Z")
        String sendAt,
    @Schema(
            description =
                "ISO 8601 duration, PT1M to P30D: how long an accepted message may wait for the"
                    + " provider's delivery receipt before it is flagged UNCONFIRMED. Default PT24H"
                    + " for email, PT72H for SMS (the time within which Vonage reports a final"
                    + " status).",
            example = "PT24H")
        String receiptTimeout,
    @Schema(
            description =
                "Quiet hours: messages are released only while this window is open in each"
                    + " recipient's time zone; those outside it wait, QUEUED, until it opens."
                    + " Omitted: any time")
        @JsonInclude(Include.NON_NULL)
        Window window,
    @Schema(
            description =
                "IANA time zone of the sendout, such as Europe/Berlin: the zone of recipients"
                    + " whose own zone is not given nor, for SMS, known from their number. UTC"
                    + " when omitted",
            example = "Europe/Berlin")
        @JsonInclude(Include.NON_NULL)
        String timeZone,
    @Schema(
            description =
                "Reminders to the recipients who have not responded, at most 10, each at least an"
                    + " hour later than the one before. A reminder goes to a recipient whose invitation was"
                    + " accepted by the provider (not FAILED, BOUNCED, DROPPED or SUPPRESSED), who"
                    + " has not responded and is not on the tenant's suppression list. Omitted:"
                    + " none")
        @JsonInclude(Include.NON_NULL)
        List<Reminder> reminders,
    @Schema(
            description =
                "RFC 3339 date-time after the send time, at most 366 days after it: when the"
                    + " survey closes. After it no"
                    + " invitation or reminder is sent; messages not yet sent are CANCELLED"
                    + " (\"survey closed\"). Omitted: never",
            example = "2026-12-15T09:00:00Z")
        @JsonInclude(Include.NON_NULL)
        String closesAt,
    @Schema(
            description =
                "A thank-you sent once to each recipient who responds (POST"
                    + " /v1/sendouts/{id}/responses) before the survey closes; requires closesAt,"
                    + " until which the sendout stays open for responses. A message of its own: it"
                    + " keeps only the invitation's sender. Omitted: none")
        @JsonInclude(Include.NON_NULL)
        ThankYou thankYou) {

  /** A request without a thank-you. */
  public CreateSendoutRequest(
      String channel,
      Sender from,
      String subject,
      String text,
      String html,
      List<Recipient> recipients,
      String sendAt,
      String receiptTimeout,
      Window window,
      String timeZone,
      List<Reminder> reminders,
      String closesAt) {
    this(
        channel,
        from,
        subject,
        text,
        html,
        recipients,
        sendAt,
        receiptTimeout,
        window,
        timeZone,
        reminders,
        closesAt,
        null);
  }

  /** A request without reminders or a closing date. */
  public CreateSendoutRequest(
      String channel,
      Sender from,
      String subject,
      String text,
      String html,
      List<Recipient> recipients,
      String sendAt,
      String receiptTimeout,
      Window window,
      String timeZone) {
    this(
        channel,
        from,
        subject,
        text,
        html,
        recipients,
        sendAt,
        receiptTimeout,
        window,
        timeZone,
        null,
        null);
  }

  /** One reminder; the content it omits is the invitation's. */
  @Schema(example = "{\"after\":\"P3D\",\"subject\":\"A reminder: how was your visit?\"}")
  public record Reminder(
      @Schema(
              description =
                  "ISO 8601 duration, positive, at most P366D: how long after the recipient's"
                      + " invitation was accepted by the provider the reminder is due. Due"
                      + " reminders go out in waves that take every recipient due within the hour",
              example = "P3D")
          String after,
      @Schema(description = "Email only; replaces the invitation's subject")
          @JsonInclude(Include.NON_NULL)
          String subject,
      @Schema(
              description =
                  "Replaces the invitation's text; may use only the invitation's template"
                      + " variables")
          @JsonInclude(Include.NON_NULL)
          String text,
      @Schema(description = "Email only; replaces the invitation's html")
          @JsonInclude(Include.NON_NULL)
          String html) {}

  /** The thank-you: its own content, which may use the invitation's template variables. */
  @Schema(
      example =
          "{\"subject\":\"Thank you, {{firstName}}\",\"text\":\"Thank you for your answers.\"}")
  public record ThankYou(
      @Schema(description = "Email: required, one line", example = "Thank you, {{firstName}}")
          @JsonInclude(Include.NON_NULL)
          String subject,
      @Schema(
              description = "SMS: required. Email: text, html or both",
              example = "Thank you for your answers.")
          @JsonInclude(Include.NON_NULL)
          String text,
      @Schema(description = "Email only") @JsonInclude(Include.NON_NULL) String html) {}

  /** A request without quiet hours, as before they existed. */
  public CreateSendoutRequest(
      String channel,
      Sender from,
      String subject,
      String text,
      String html,
      List<Recipient> recipients,
      String sendAt,
      String receiptTimeout) {
    this(channel, from, subject, text, html, recipients, sendAt, receiptTimeout, null, null);
  }

  /**
   * A delivery window in local time. {@code end} before {@code start} is an overnight window that
   * closes the next day; {@code start} equal to {@code end} is refused.
   */
  public record Window(
      @Schema(
              description = "HH:mm, local time of each recipient",
              example = "09:00",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String start,
      @Schema(
              description = "HH:mm, local time of each recipient",
              example = "20:00",
              requiredMode = Schema.RequiredMode.REQUIRED)
          String end,
      @Schema(
              description =
                  "Days the window opens on, MON to SUN; omitted or empty: every day. An"
                      + " overnight window belongs to the day it opens on",
              example = "[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\"]")
          List<String> days) {}

  /** Who the messages come from: email and name for email, senderId for SMS. */
  @Schema(example = "{\"email\":\"surveys@example.com\",\"name\":\"Example Surveys\"}")
  public record Sender(
      @Schema(
              description = "Email only; an address as recipients' are",
              example = "surveys@example.com")
          String email,
      @Schema(description = "Email only", example = "Example Surveys") String name,
      @Schema(
              description =
                  "SMS only: 1 to 11 letters, digits and spaces with at least one letter, or a"
                      + " phone number in E.164 format",
              example = "SurveyCo")
          @JsonInclude(Include.NON_NULL)
          String senderId) {}

  /** One recipient: email for email, phone for SMS. */
  @Schema(
      example =
          """
          {"email":"ann@example.com","name":"Ann Example",\
          "variables":{"firstName":"Ann","surveyUrl":"https://s.example.com/x1"}}""")
  public record Recipient(
      @Schema(
              description =
                  "Email only. An ASCII local part (letters, digits, dots and"
                      + " !#$%&'*+-/=?^_`{|}~, no leading, trailing or double dot, at most 64) and"
                      + " a domain name (no IP address or [literal]); an internationalised domain"
                      + " is stored and sent in its ASCII (xn--) form",
              example = "ann@example.com")
          String email,
      @Schema(
              description =
                  "SMS only: a valid number (by Google's libphonenumber) in international format"
                      + " with its leading +; spaces, dots, hyphens and parentheses between digits"
                      + " are allowed. Stored and sent in E.164 form",
              example = "+447911123456")
          @JsonInclude(Include.NON_NULL)
          String phone,
      @Schema(example = "Ann Example") String name,
      @Schema(example = "{\"firstName\":\"Ann\",\"surveyUrl\":\"https://s.example.com/x1\"}")
          Map<String, String> variables,
      @Schema(
              description =
                  "The caller's own id for the recipient, unique within the sendout (recipients"
                      + " added later included): up to 200 characters on one line. Responses may"
                      + " name the recipient by it",
              example = "respondent-8812",
              maxLength = 200)
          @JsonInclude(Include.NON_NULL)
          String externalId,
      @Schema(
              description =
                  "IANA time zone of this recipient, such as America/New_York, for the sendout's"
                      + " delivery window",
              example = "America/New_York")
          @JsonInclude(Include.NON_NULL)
          String timeZone) {

    /** A recipient without an id of the caller's or a zone of its own. */
    public Recipient(String email, String phone, String name, Map<String, String> variables) {
      this(email, phone, name, variables, null, null);
    }
  }
}
