package dev.sendout.api.sendout;

import static dev.sendout.api.sendout.SendoutRequestValidator.MAX_NAME_LENGTH;
import static dev.sendout.api.sendout.SendoutRequestValidator.MAX_VARIABLE_BYTES;
import static dev.sendout.api.sendout.SendoutRequestValidator.isBlank;
import static dev.sendout.api.sendout.SendoutRequestValidator.maxLength;
import static dev.sendout.api.sendout.SendoutRequestValidator.notUsed;
import static dev.sendout.api.sendout.SendoutRequestValidator.template;
import static dev.sendout.api.sendout.SendoutRequestValidator.text;
import static dev.sendout.api.sendout.SendoutRequestValidator.variableBytes;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.RecipientChecks.Addressing;
import dev.sendout.api.sendout.SendoutRequestValidator.Problems;
import dev.sendout.core.channel.email.EmailAddress;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.email.Substitutions;
import dev.sendout.core.content.Template;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What an email sendout's request must hold: a sender address, a subject and a body. */
record EmailRequestRules(Duration defaultReceiptTimeout) implements ChannelRequestRules {

  private static final int MAX_SUBJECT_LENGTH = 998;

  @Override
  public Checked content(CreateSendoutRequest request, Problems problems) {
    var from = ChannelRequestRules.requiredSender(request, problems);
    if (from != null) {
      email("/from/email", from.email(), problems);
      maxLength("/from/name", from.name(), MAX_NAME_LENGTH, problems);
      text("/from/name", from.name(), TextRules.Kind.LINE, problems);
      notUsed("/from/senderId", from.senderId(), Channel.EMAIL, problems);
    }
    if (request.subject() == null || request.subject().isBlank()) {
      problems.add("/subject", "is required");
    }
    maxLength("/subject", request.subject(), MAX_SUBJECT_LENGTH, problems);
    if (text("/subject", request.subject(), TextRules.Kind.LINE, problems)) {
      template("/subject", request.subject(), problems);
    }
    if (text("/text", request.text(), TextRules.Kind.BODY, problems)) {
      template("/text", request.text(), problems);
    }
    if (text("/html", request.html(), TextRules.Kind.BODY, problems)) {
      template("/html", request.html(), problems);
    }
    if (isBlank(request.text()) && isBlank(request.html())) {
      problems.add("/text", "text or html is required");
    } else {
      // SendGrid refuses a blank part of a body that has another (400, every message FAILED); a
      // reminder's or thank-you's blank part is refused the same way.
      notBlankIfGiven("/text", request.text(), problems);
      notBlankIfGiven("/html", request.html(), problems);
    }
    return checked(
        new EmailContent(
            from == null ? null : EmailAddress.check(from.email()).ascii(),
            from == null ? null : from.name(),
            request.subject(),
            request.text(),
            request.html()),
        ChannelRequestRules.later(request));
  }

  private static void notBlankIfGiven(String at, String part, Problems problems) {
    if (part != null && part.isBlank()) {
      problems.add(at, "must not be blank; omit it instead");
    }
  }

  @Override
  public Channel channel() {
    return Channel.EMAIL;
  }

  @Override
  public String addressField() {
    return ADDRESSING.field();
  }

  @Override
  public Checked stored(Object content, List<LaterContent> later) {
    return checked((EmailContent) content, later);
  }

  /**
   * The content, with the variables whose values go into a header: those of the invitation's
   * subject and of the reminders' and thank-you's, since SendGrid fills each in from the same
   * values. A line break in one would start a header of its own. And the substitutions a
   * recipient's values must fit: those of every part, the later ones' too, in one. That is at least
   * what any one request of the sendout carries (a reminder's html may escape a variable the
   * invitation uses only as given, which is then a tag more), and more only for tags no one request
   * has together.
   */
  private static CheckedEmail checked(EmailContent content, List<LaterContent> later) {
    Set<String> inHeader = new LinkedHashSet<>(Template.names(content.subject()));
    later.forEach(part -> inHeader.addAll(Template.names(part.subject())));
    var substitutions =
        Substitutions.of(
            new EmailContent(
                content.fromAddress(),
                content.fromName(),
                lines(content.subject(), later, LaterContent::subject),
                lines(content.text(), later, LaterContent::text),
                lines(content.html(), later, LaterContent::html)));
    // Parsed once, filled in for each recipient.
    Map<String, Template> subjects = new LinkedHashMap<>();
    if (content.subject() != null) { // none is a problem of its own
      subjects.put("/subject", Template.lenient(content.subject()));
    }
    later.stream()
        .filter(part -> part.subject() != null)
        .forEach(part -> subjects.put(part.at() + "/subject", Template.lenient(part.subject())));
    Map<String, List<Template>> blankBodies = new LinkedHashMap<>();
    blankWithoutValues(blankBodies, "", content.text(), content.html());
    for (LaterContent part : later) {
      // A later part that gives a text or an html gives its whole body: the other is none.
      blankWithoutValues(blankBodies, part.at(), part.text(), part.html());
    }
    return new CheckedEmail(content, inHeader, substitutions, subjects, blankBodies);
  }

  /**
   * Adds the body (the text and html given) under its pointers when all its text is blank but its
   * variables': the recipient's values decide whether it is blank. A body is blank only when every
   * part of it is: an email with an html part has a body whatever its text renders to.
   */
  private static void blankWithoutValues(
      Map<String, List<Template>> parts, String at, String text, String html) {
    Map<String, String> given = new LinkedHashMap<>();
    given.put(at + "/text", text);
    given.put(at + "/html", html);
    // Not given, or refused on its own.
    given.values().removeIf(part -> part == null || part.isBlank());
    if (given.isEmpty()) {
      return;
    }
    List<Template> templates = given.values().stream().map(Template::lenient).toList();
    if (templates.stream()
        .allMatch(
            template ->
                template.pieces().stream()
                    .allMatch(
                        piece -> !(piece instanceof Template.Text t) || t.text().isBlank()))) {
      parts.put(String.join(" and ", given.keySet()), templates);
    }
  }

  /** The invitation's part and the later ones', a line each: no tag spans two. */
  private static String lines(
      String invitation, List<LaterContent> later, Function<LaterContent, String> part) {
    return Stream.concat(Stream.of(invitation), later.stream().map(part))
        .filter(Objects::nonNull)
        .collect(Collectors.joining("\n"));
  }

  /**
   * An email's recipients need their own valid address and its template variables, which must fit
   * SendGrid's bound once escaped for the html part, and be one line where a subject uses them.
   */
  private record CheckedEmail(
      EmailContent content,
      Set<String> inHeader,
      Substitutions substitutions,
      Map<String, Template> subjects,
      Map<String, List<Template>> blankBodies)
      implements Checked {

    @Override
    public void recipients(List<Recipient> recipients, Problems problems) {
      RecipientChecks.check(
          recipients,
          ADDRESSING,
          content.variables(),
          inHeader,
          problems,
          (at, r, complete) -> {
            // Variables over the bound as given are reported already, by the shared checks.
            if (r.variables() != null
                && variableBytes(r.variables()) <= MAX_VARIABLE_BYTES
                && substitutions.bytes(r.variables()) > Substitutions.MAX_BYTES) {
              problems.add(
                  at + "/variables",
                  "variables exceed %d bytes once HTML-escaped for the html part"
                      .formatted(Substitutions.MAX_BYTES));
            }
            if (complete && r.variables() != null) {
              subjectsFit(at, r.variables(), problems);
              notBlank(at, r.variables(), problems);
            }
          });
    }

    /**
     * No body the caller gave renders blank: SendGrid would send the recipient an email without one
     * (a hostile sweep saw it delivered; an SMS is refused so). Only bodies blank but for their
     * variables are rendered. Subjects are checked where they are filled in ({@link #subjectsFit}).
     */
    private void notBlank(String at, Map<String, String> variables, Problems problems) {
      blankBodies.forEach(
          (where, parts) -> {
            if (parts.stream()
                .allMatch(part -> part.render(variables, UnaryOperator.identity()).isBlank())) {
              problems.add(
                  at,
                  "%s %s blank with this recipient's variables"
                      .formatted(where, parts.size() == 1 ? "becomes" : "become"));
            }
          });
    }

    /**
     * Each subject, filled in with the recipient's values, is a header line of 998 at most, and not
     * blank: an email without a subject (a hostile sweep saw one delivered). A subject blank
     * without any variable is refused on its own.
     */
    private void subjectsFit(String at, Map<String, String> variables, Problems problems) {
      subjects.forEach(
          (where, subject) -> {
            String rendered = subject.render(variables, UnaryOperator.identity());
            if (rendered.isBlank() && !subject.names().isEmpty()) {
              problems.add(at, "%s becomes blank with this recipient's variables".formatted(where));
            }
            int length = rendered.length();
            if (length > MAX_SUBJECT_LENGTH) {
              problems.add(
                  at + "/variables",
                  "make %s %d characters once filled in; at most %d"
                      .formatted(where, length, MAX_SUBJECT_LENGTH));
            }
          });
    }
  }

  /** Checks an address to the rule every way of adding one shares ({@link EmailAddress}). */
  private static boolean email(String at, String value, Problems problems) {
    if (value == null || value.isBlank()) {
      problems.add(at, "is required");
      return false;
    }
    var checked = EmailAddress.check(value);
    if (!checked.valid()) {
      problems.add(at, "is not a valid email address: it " + checked.problem());
      return false;
    }
    return true;
  }

  /** How an email sendout's recipients are addressed, for the checks every channel shares. */
  private static final Addressing ADDRESSING =
      new Addressing(
          Channel.EMAIL,
          "/email",
          Recipient::email,
          EmailRequestRules::email,
          email -> EmailAddress.ascii(email).toLowerCase(Locale.ROOT),
          "/phone",
          Recipient::phone);
}
