package dev.sendout.sandbox.vonage.inbound;

import dev.sendout.sandbox.vonage.InvalidParameter;
import dev.sendout.sandbox.vonage.VonageResponses;
import dev.sendout.sandbox.vonage.statuses.StatusSigner;
import dev.sendout.sandbox.webhook.WebhookClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * Plays a recipient who answers an SMS: {@code POST /sandbox/vonage/inbound {"from", "to", "text"}}
 * posts the Messages API's inbound callback for it to {@code sandbox.vonage.inbound.webhook-url},
 * signed as the status webhooks are (HS256 bearer JWT with the body's payload_hash), and answers
 * with what the receiver answered. {@code "signed": false} posts it without a token, as a forger
 * would.
 */
@RestController
public class InboundController {

  /**
   * A recipient's reply.
   *
   * @param from the recipient's number, E.164 with or without its +
   * @param to the sender id or number the recipient answers
   * @param text what the recipient writes, such as STOP
   * @param signed false to leave the token out; signed when absent
   */
  public record InboundRequest(String from, String to, String text, Boolean signed) {}

  private final String webhookUrl;
  private final StatusSigner signer;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  InboundController(
      @Value("${sandbox.vonage.inbound.webhook-url:}") String webhookUrl,
      @Value("${sandbox.vonage.statuses.signature-secret:}") String secret,
      StatusSigner signer,
      ObjectMapper json) {
    this.webhookUrl = webhookUrl == null ? "" : webhookUrl.strip();
    this.signer = secret == null || secret.isBlank() ? null : signer;
    this.json = json;
  }

  @PostMapping("/sandbox/vonage/inbound")
  public ResponseEntity<?> reply(@RequestBody InboundRequest request) throws InterruptedException {
    List<InvalidParameter> problems = new ArrayList<>();
    if (!WebhookClient.isHttpUrl(webhookUrl)) {
      problems.add(
          new InvalidParameter(
              "webhookUrl",
              "set sandbox.vonage.inbound.webhook-url (SANDBOX_VONAGE_INBOUND_WEBHOOK_URL)"));
    }
    boolean signed = request.signed() == null || request.signed();
    if (signed && signer == null) {
      problems.add(
          new InvalidParameter(
              "signed", "set sandbox.vonage.statuses.signature-secret to sign inbound messages"));
    }
    if (request.from() == null || !request.from().matches("\\+?[1-9]\\d{7,14}")) {
      problems.add(new InvalidParameter("from", "must be an E.164 number"));
    }
    if (request.to() == null || request.to().isBlank() || request.to().length() > 50) {
      problems.add(new InvalidParameter("to", "must be the sender id or number answered"));
    }
    if (request.text() == null || request.text().length() > 1600) {
      problems.add(new InvalidParameter("text", "must be at most 1600 characters"));
    }
    if (!problems.isEmpty()) {
      return VonageResponses.badRequest(problems);
    }
    Map<String, Object> callback = new LinkedHashMap<>();
    callback.put("channel", "sms");
    callback.put("message_uuid", UUID.randomUUID().toString());
    // Vonage writes numbers without their +.
    callback.put("to", request.to().startsWith("+") ? request.to().substring(1) : request.to());
    callback.put(
        "from", request.from().startsWith("+") ? request.from().substring(1) : request.from());
    callback.put("timestamp", Instant.now().toString());
    callback.put("message_type", "text");
    callback.put("text", request.text());
    byte[] body = json.writeValueAsBytes(callback);
    HttpRequest.Builder post =
        HttpRequest.newBuilder(URI.create(webhookUrl))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signed) {
      post.header("Authorization", "Bearer " + signer.sign(body));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("posted", callback);
    try {
      HttpResponse<String> response =
          http.send(post.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      answer.put("webhookStatus", response.statusCode());
      answer.put("webhookBody", response.body());
    } catch (IOException e) {
      answer.put("webhookStatus", null);
      answer.put("webhookBody", e.getClass().getSimpleName());
    }
    return ResponseEntity.ok(answer);
  }
}
