package dev.sendout.activities.sms;

import com.vonage.client.HttpConfig;
import com.vonage.client.VonageClient;
import com.vonage.client.VonageClientException;
import com.vonage.client.VonageResponseParseException;
import com.vonage.client.messages.MessageResponseException;
import com.vonage.client.messages.MessagesClient;
import com.vonage.client.messages.sms.SmsTextRequest;
import dev.sendout.activities.delivery.ProviderHttpClient;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.content.Template;
import dev.sendout.core.delivery.OutgoingMessage;
import dev.sendout.core.delivery.ProviderError;
import dev.sendout.core.delivery.SendOutcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.apache.http.conn.ConnectTimeoutException;
import org.springframework.stereotype.Component;

/**
 * Sends one SMS through the Vonage Messages API ({@code POST /v1/messages}) with Vonage's Java SDK,
 * carrying our message id as {@code client_ref}, which status webhooks echo back.
 */
@Component
public class VonageSender {

  /** How the error counter names this provider. */
  private static final String PROVIDER = "vonage";

  /**
   * Vonage's 429 carries no Retry-After; its limit is per second, so a second later is soon enough.
   * Sends are paced below the limit by the task queue, so this is the exception, not the rule.
   */
  static final Duration THROTTLED_RETRY_AFTER = Duration.ofSeconds(1);

  private static final int MAX_REASON_LENGTH = 500;

  private final MessagesClient messages;

  public VonageSender(VonageProperties properties) {
    var http =
        ProviderHttpClient.create(
            properties.connectTimeout(), properties.readTimeout(), properties.maxConnections());
    VonageClient.Builder client =
        VonageClient.builder()
            .httpClient(http)
            .httpConfig(HttpConfig.builder().baseUri(properties.baseUrl()).build());
    if (properties.usesApplication()) {
      client.applicationId(properties.applicationId()).privateKeyContents(properties.privateKey());
    } else {
      client.apiKey(properties.apiKey()).apiSecret(properties.apiSecret());
    }
    this.messages = client.build().getMessagesClient();
  }

  public SendOutcome send(SmsContent content, OutgoingMessage message) {
    SmsTextRequest request;
    try {
      request =
          SmsTextRequest.builder()
              .from(withoutPlus(content.senderId()))
              .to(withoutPlus(message.address()))
              .text(Template.render(content.text(), message.variables()))
              .clientRef(message.id().toString())
              .build();
    } catch (IllegalArgumentException e) {
      // The SDK checks numbers and lengths before sending: nothing left, and nothing ever will.
      return SendOutcome.notSendable(bounded("Not sendable: " + e.getMessage()));
    }
    try {
      return SendOutcome.accepted(messages.sendMessage(request).getMessageUuid().toString());
    } catch (MessageResponseException e) {
      return classify(e);
    } catch (VonageClientException | VonageResponseParseException e) {
      // The second: an answer that broke off or could not be read once the request was sent (the
      // call's deadline cutting a trickled body off, say), which escaped as the call's failure.
      Throwable cause = rootCause(e);
      ProviderError error = ProviderError.noAnswer(PROVIDER, cause);
      return unreachable(e)
          ? SendOutcome.unavailable(ProviderHttpClient.notReached("Vonage", cause), error)
          : SendOutcome.inDoubt(
              "Send outcome unknown: "
                  + cause.getClass().getSimpleName()
                  + " after the request was sent",
              error);
    }
  }

  private static SendOutcome classify(MessageResponseException e) {
    int status = e.getStatusCode();
    String reason = bounded("Vonage " + status + ": " + describe(e));
    ProviderError error = ProviderError.status(PROVIDER, status);
    if (status == 429) {
      return SendOutcome.throttled(reason, THROTTLED_RETRY_AFTER, error);
    }
    // A wrong key is our misconfiguration, not the recipient's fault: keep the message and retry.
    if (status >= 500 || status == 401 || status == 403) {
      return SendOutcome.unavailable(reason, error);
    }
    return SendOutcome.rejected(reason, error);
  }

  /** Title, detail and the invalid parameters of Vonage's RFC 7807 error, as one line. */
  private static String describe(MessageResponseException e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getTitle()));
    if (e.getDetail() != null) {
      text.append(": ").append(e.getDetail());
    }
    if (e.getInvalidParameters() != null && !e.getInvalidParameters().isEmpty()) {
      text.append(' ').append(e.getInvalidParameters());
    }
    return text.toString();
  }

  /** The SDK wraps I/O failures; only a connection never made proves nothing was sent. */
  private static boolean unreachable(Throwable e) {
    Throwable cause = rootCause(e);
    return cause instanceof ConnectException
        || cause instanceof ConnectTimeoutException
        || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String withoutPlus(String number) {
    return number.startsWith("+") ? number.substring(1) : number;
  }

  private static String bounded(String reason) {
    return reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
  }
}
