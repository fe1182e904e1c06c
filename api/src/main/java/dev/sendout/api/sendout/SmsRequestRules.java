package dev.sendout.api.sendout;

import static dev.sendout.api.sendout.SendoutRequestValidator.isBlank;
import static dev.sendout.api.sendout.SendoutRequestValidator.notUsed;
import static dev.sendout.api.sendout.SendoutRequestValidator.template;
import static dev.sendout.api.sendout.SendoutRequestValidator.text;
import static dev.sendout.api.sendout.SendoutRequestValidator.variables;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.RecipientChecks.Addressing;
import dev.sendout.api.sendout.SendoutRequestValidator.Problems;
import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.content.Template;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What an SMS sendout's request must hold: a sender id, a text that fits once rendered for each
 * recipient, and phone numbers. Rendering each recipient's message also tells what the sendout
 * costs in segments.
 */
record SmsRequestRules(Duration defaultReceiptTimeout) implements ChannelRequestRules {

  /**
   * The Messages API takes at most 1,000 characters of SMS text. Counted here in UTF-16 code units,
   * never fewer than code points, so a text that passes fits however Vonage counts.
   */
  static final int MAX_SMS_TEXT_LENGTH = 1000;

  /**
   * The longest SMS text as written, its tags included: ten times what can be sent, room for any
   * tags that a value shorter than their name replaces, and a bound on the text rendered for each
   * recipient of a request.
   */
  static final int MAX_SMS_TEMPLATE_LENGTH = 10 * MAX_SMS_TEXT_LENGTH;

  /**
   * An alphanumeric sender id: up to 11 letters, digits and spaces, at least one letter (all digits
   * would read as a number), no space at either end.
   */
  private static final Pattern ALPHANUMERIC_SENDER =
      Pattern.compile("^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9 ]{0,9}[A-Za-z0-9])?$");

  /** A number to send from: E.164, its + optional since Vonage takes numbers without it. */
  private static final Pattern NUMERIC_SENDER = Pattern.compile("^\\+?[1-9]\\d{7,14}$");

  /** How a refused recipient number is explained, with a number that is valid as an example. */
  static final String NOT_A_PHONE_NUMBER =
      "is not a valid phone number in international format with its +, such as +447911123456";

  @Override
  public Checked content(CreateSendoutRequest request, Problems problems) {
    var from = ChannelRequestRules.requiredSender(request, problems);
    if (from != null) {
      senderId(from.senderId(), problems);
      notUsed("/from/email", from.email(), Channel.SMS, problems);
      notUsed("/from/name", from.name(), Channel.SMS, problems);
    }
    notUsed("/subject", request.subject(), Channel.SMS, problems);
    notUsed("/html", request.html(), Channel.SMS, problems);
    String text = request.text();
    boolean textFits = smsText(text, problems);
    return new CheckedSms(
        from == null ? null : from.senderId(),
        text,
        textFits ? text : null,
        ChannelRequestRules.later(request));
  }

  @Override
  public Channel channel() {
    return Channel.SMS;
  }

  @Override
  public String addressField() {
    return ADDRESSING.field();
  }

  @Override
  public Checked stored(Object content, List<LaterContent> later) {
    var sms = (SmsContent) content;
    return new CheckedSms(sms.senderId(), sms.text(), sms.text(), later);
  }

  /**
   * An SMS content whose recipients are checked by rendering each one's message, which adds up what
   * the sendout costs, and each one's reminders and thank-you that have a text of their own.
   */
  private static final class CheckedSms implements Checked {
    private final String senderId;
    private final String text;

    /** The text to render for each recipient, or null when it cannot be rendered. */
    private final String renderable;

    private final List<LaterContent> later;
    private final SmsCost cost = new SmsCost();

    CheckedSms(String senderId, String text, String renderable, List<LaterContent> later) {
      this.senderId = senderId;
      this.text = text;
      this.renderable = renderable;
      this.later = later;
    }

    @Override
    public void recipients(List<Recipient> recipients, Problems problems) {
      // Read once, rendered for each recipient.
      Template template = renderable == null ? null : Template.lenient(renderable);
      Set<String> variables = template == null ? Set.of() : template.names();
      // A later text over the limit as written is refused by the reminder checks, not rendered.
      Map<String, Template> laterTexts = new LinkedHashMap<>();
      for (LaterContent part : later) {
        if (part.text() != null && part.text().length() <= MAX_SMS_TEXT_LENGTH) {
          laterTexts.put(part.at() + "/text", Template.lenient(part.text()));
        }
      }
      RecipientChecks.check(
          recipients,
          ADDRESSING,
          variables,
          Set.of(),
          problems,
          (at, r, complete) -> {
            if (template == null || !complete) {
              return;
            }
            Map<String, String> values = r.variables() == null ? Map.of() : r.variables();
            String rendered = template.render(values, UnaryOperator.identity());
            if (fits(at, "text", rendered, problems)) {
              cost.add(SmsSegments.of(rendered));
            }
            // A later part's variables are among the invitation's, so this recipient has them all.
            laterTexts.forEach(
                (where, text) ->
                    fits(at, where, text.render(values, UnaryOperator.identity()), problems));
          });
    }

    /** Whether a recipient's text, rendered, can be sent; if not, says why at {@code at}. */
    private static boolean fits(String at, String which, String rendered, Problems problems) {
      if (rendered.length() > MAX_SMS_TEXT_LENGTH) {
        problems.add(
            at,
            ("%s becomes %d characters with this recipient's variables; an SMS text is at most"
                    + " %d characters")
                .formatted(which, rendered.length(), MAX_SMS_TEXT_LENGTH));
        return false;
      }
      if (rendered.isBlank()) {
        problems.add(at, which + " becomes blank with this recipient's variables");
        return false;
      }
      return true;
    }

    @Override
    public SmsContent content() {
      return new SmsContent(senderId, text, cost.encoding, cost.maxSegments, cost.totalSegments);
    }
  }

  /**
   * Checks the SMS text itself. True when it may fit once rendered; then each recipient's rendering
   * is checked, which a text already too long without its variables would only repeat.
   */
  private static boolean smsText(String text, Problems problems) {
    if (isBlank(text)) {
      problems.add("/text", "is required");
      return false;
    }
    if (text.length() > MAX_SMS_TEMPLATE_LENGTH) {
      // Each recipient's text is rendered from it, up to 10,000 recipients a request.
      problems.add(
          "/text",
          "at most %d characters as written, tags included, got %d"
              .formatted(MAX_SMS_TEMPLATE_LENGTH, text.length()));
      return false;
    }
    if (!text("/text", text, TextRules.Kind.BODY, problems) || !template("/text", text, problems)) {
      return false;
    }
    Set<String> variables = Template.names(text);
    Map<String, String> empty = new HashMap<>();
    variables.forEach(name -> empty.put(name, ""));
    int fixed = Template.render(text, empty).length();
    if (fixed > MAX_SMS_TEXT_LENGTH) {
      problems.add(
          "/text",
          "at most %d characters (the SMS limit), got %d%s"
              .formatted(
                  MAX_SMS_TEXT_LENGTH, fixed, variables.isEmpty() ? "" : " without its variables"));
      return false;
    }
    return true;
  }

  private static void senderId(String value, Problems problems) {
    if (isBlank(value)) {
      problems.add("/from/senderId", "is required");
    } else if (!ALPHANUMERIC_SENDER.matcher(value).matches()
        && !NUMERIC_SENDER.matcher(value).matches()) {
      problems.add(
          "/from/senderId",
          "is not a valid sender id: 1 to 11 letters, digits and spaces with at least one letter,"
              + " or a phone number in E.164 format such as +447911123456");
    }
  }

  private static boolean phone(String at, String value, Problems problems) {
    if (isBlank(value)) {
      problems.add(at, "is required");
      return false;
    }
    // Google's libphonenumber knows each country's numbering plan: a number of the right length in
    // a range nobody was given (+447700900123, Ofcom's drama range) is refused before it costs a
    // provider call. Only the international form is taken: which country a national number belongs
    // to is not ours to guess.
    if (PhoneNumbers.e164(value).isEmpty()) {
      problems.add(at, NOT_A_PHONE_NUMBER);
      return false;
    }
    return true;
  }

  /** What an SMS sendout costs: the worst encoding, the longest message, the sum of segments. */
  private static final class SmsCost {
    private SmsSegments.Encoding encoding = SmsSegments.Encoding.GSM_7;
    private int maxSegments;
    private long totalSegments;

    void add(SmsSegments message) {
      if (message.encoding() == SmsSegments.Encoding.UCS_2) {
        encoding = SmsSegments.Encoding.UCS_2;
      }
      maxSegments = Math.max(maxSegments, message.segments());
      totalSegments += message.segments();
    }
  }

  /** How an SMS sendout's recipients are addressed, for the checks every channel shares. */
  private static final Addressing ADDRESSING =
      new Addressing(
          Channel.SMS,
          "/phone",
          Recipient::phone,
          SmsRequestRules::phone,
          // Two ways of writing one number are one recipient.
          phone -> PhoneNumbers.e164(phone).orElse(phone),
          "/email",
          Recipient::email);
}
