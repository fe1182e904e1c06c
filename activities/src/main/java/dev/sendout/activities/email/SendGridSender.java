package dev.sendout.activities.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import dev.sendout.activities.delivery.ProviderHttpClient;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.email.Substitutions;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.ProviderError;
import dev.sendout.core.delivery.SendOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.http.conn.ConnectTimeoutException;
import org.springframework.stereotype.Component;

/**
 * Sends emails of one content as one SendGrid Mail Send request, each address once ({@link
 * EmailDeliveryActivities#requests} splits a batch so): one personalization per message, carrying
 * our message id in {@code custom_args} (receipts are matched by it) and the recipient's variables
 * as substitutions ({@link Substitutions}: HTML-escaped where the html part asks), and its own
 * one-click unsubscribe headers ({@link UnsubscribeLinks}).
 */
@Component
public class SendGridSender {

  /** How the error counter names this provider. */
  private static final String PROVIDER = "sendgrid";

  /** SendGrid takes at most this many personalizations in one request. */
  public static final int MAX_PERSONALIZATIONS = 1000;

  /** Used when a 429 carries no usable X-RateLimit-Reset. */
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
  private static final int MAX_REASON_LENGTH = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SendGrid sendGrid;
  private final Clock clock;
  private final UnsubscribeLinks unsubscribe;

  public SendGridSender(SendGridProperties properties, UnsubscribeLinks unsubscribe, Clock clock) {
    this.clock = clock;
    this.unsubscribe = unsubscribe;
    var http =
        ProviderHttpClient.create(
            properties.connectTimeout(), properties.readTimeout(), properties.maxConnections());
    boolean plainHttp = "http".equalsIgnoreCase(properties.baseUrl().getScheme());
    this.sendGrid = new SendGrid(properties.apiKey(), new Client(http, plainHttp));
    this.sendGrid.setHost(properties.baseUrl().getAuthority());
  }

  public SendOutcome send(EmailContent content, List<OutgoingMessage> messages) {
    if (messages.isEmpty() || messages.size() > MAX_PERSONALIZATIONS) {
      throw new IllegalArgumentException(
          "A request carries 1.." + MAX_PERSONALIZATIONS + " emails");
    }
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    try {
      request.setBody(mail(content, messages).build());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize the SendGrid request", e);
    }
    try {
      return classify(sendGrid.api(request));
    } catch (ConnectException
        | ConnectTimeoutException
        | UnknownHostException
        | NoRouteToHostException e) {
      return SendOutcome.unavailable(
          ProviderHttpClient.notReached("SendGrid", e), ProviderError.noAnswer(PROVIDER, e));
    } catch (IOException e) {
      return SendOutcome.inDoubt(
          "Send outcome unknown: " + e.getClass().getSimpleName() + " after the request was sent",
          ProviderError.noAnswer(PROVIDER, e));
    }
  }

  private Mail mail(EmailContent content, List<OutgoingMessage> messages) {
    var parts = Substitutions.of(content);
    Mail mail = new Mail();
    mail.setFrom(new Email(content.fromAddress(), content.fromName()));
    mail.setSubject(parts.subject());
    // SendGrid wants text/plain before text/html, and refuses an empty one (400): a sendout stored
    // with an empty part beside the other, before that was refused at its create, goes without it.
    if (parts.text() != null && !parts.text().isEmpty()) {
      mail.addContent(new Content("text/plain", parts.text()));
    }
    if (parts.html() != null && !parts.html().isEmpty()) {
      mail.addContent(new Content("text/html", parts.html()));
    }
    for (OutgoingMessage message : messages) {
      Personalization p = new Personalization();
      p.addTo(new Email(message.address(), recipientName(message.displayName())));
      p.addCustomArg("message_id", message.id().toString());
      // Per recipient: each link's token names its own message.
      unsubscribe.headers(message.id()).forEach(p::addHeader);
      parts.values(message.variables()).forEach(p::addSubstitution);
      mail.addPersonalization(p);
    }
    return mail;
  }

  /**
   * A recipient's name as SendGrid takes it: one with a comma or a semicolon in quotes, as RFC 5322
   * writes such a display name. SendGrid reads either as separating addresses in {@code to.name}
   * and drops the message as "Invalid" (its documented limit; its own Python and Node.js libraries
   * quote such names), so that "Doe, Jane" from a spreadsheet got nothing.
   */
  static String recipientName(String name) {
    if (name == null || (name.indexOf(',') < 0 && name.indexOf(';') < 0)) {
      return name;
    }
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private SendOutcome classify(Response response) {
    int status = response.getStatusCode();
    if (status == 202 || status == 200) {
      String id = header(response, "X-Message-Id");
      return SendOutcome.accepted(id == null ? "" : id);
    }
    String reason = "SendGrid " + status + ": " + errors(response.getBody());
    ProviderError error = ProviderError.status(PROVIDER, status);
    if (status == 429) {
      return SendOutcome.throttled(
          reason, retryAfter(header(response, "X-RateLimit-Reset")), error);
    }
    // A wrong key is our misconfiguration, not the recipients' fault: keep the messages and retry.
    if (status >= 500 || status == 401 || status == 403) {
      return SendOutcome.unavailable(reason, error);
    }
    return SendOutcome.rejected(reason, error);
  }

  private Duration retryAfter(String resetEpochSeconds) {
    try {
      Duration wait =
          Duration.between(
              Instant.now(clock), Instant.ofEpochSecond(Long.parseLong(resetEpochSeconds.trim())));
      if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
        return Duration.ofSeconds(1);
      }
      return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    } catch (RuntimeException e) {
      return DEFAULT_RETRY_AFTER;
    }
  }

  /**
   * HTTP header names are case-insensitive; SendGrid's client keeps them as the server sent them.
   */
  static String header(Response response, String name) {
    for (Map.Entry<String, String> h : response.getHeaders().entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** SendGrid's {@code {"errors":[{"message","field"}]}} as one line, bounded in length. */
  static String errors(String body) {
    StringBuilder out = new StringBuilder();
    try {
      for (JsonNode error : JSON.readTree(body).path("errors")) {
        if (!out.isEmpty()) {
          out.append("; ");
        }
        out.append(error.path("message").asText());
        if (error.hasNonNull("field")) {
          out.append(" (").append(error.get("field").asText()).append(')');
        }
      }
    } catch (IOException | RuntimeException e) {
      out.setLength(0);
    }
    String text = out.isEmpty() ? String.valueOf(body) : out.toString();
    return text.length() > MAX_REASON_LENGTH ? text.substring(0, MAX_REASON_LENGTH) : text;
  }
}
