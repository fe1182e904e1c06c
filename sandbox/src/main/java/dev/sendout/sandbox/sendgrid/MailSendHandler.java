package dev.sendout.sandbox.sendgrid;

import dev.sendout.sandbox.JsonBodies;
import dev.sendout.sandbox.Latency;
import dev.sendout.sandbox.sendgrid.events.ReceiptPlan;
import dev.sendout.sandbox.sendgrid.events.Receipts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Answers {@code POST /v3/mail/send} in the order SendGrid does: authenticate, read the body, apply
 * any injected fault, validate, and only then accept, record and queue the Event Webhook receipts.
 */
@Service
public class MailSendHandler {

  private static final String BEARER = "Bearer ";
  private static final String MALFORMED_JSON =
      "The request body could not be parsed as JSON. Check for a syntax error.";

  private final byte[] apiKey;
  private final ObjectMapper objectMapper;
  private final SendGridFaultInjector faults;
  private final MailSendValidator validator;
  private final PersonalizationRenderer renderer;
  private final MessageStore store;
  private final Receipts receipts;

  public MailSendHandler(
      SendGridSandboxProperties properties,
      ObjectMapper objectMapper,
      SendGridFaultInjector faults,
      MailSendValidator validator,
      PersonalizationRenderer renderer,
      MessageStore store,
      Receipts receipts) {
    this.apiKey = properties.apiKey().getBytes(StandardCharsets.UTF_8);
    this.objectMapper = objectMapper;
    this.faults = faults;
    this.validator = validator;
    this.renderer = renderer;
    this.store = store;
    this.receipts = receipts;
  }

  public MailSendOutcome handle(String authorization, byte[] body) {
    // The delay comes first so that nothing is recorded for a request whose caller may already
    // have timed out and given up on it; an interrupted wait is answered like an outage.
    if (!Latency.await(faults.latencyMs())) {
      return new MailSendOutcome(SendGridResponses.serverError(503), MailSendOutcome.UNREAD);
    }
    // A rejected-credentials fault answers where a revoked key is refused, before the body is read,
    // so that the answer and the counters are exactly those of a real bad key.
    if (faults.rejectsCredentials() || !isAuthorized(authorization)) {
      return new MailSendOutcome(SendGridResponses.unauthorized(), MailSendOutcome.UNREAD);
    }
    JsonNode mail = JsonBodies.object(objectMapper, body);
    if (mail == null) {
      return new MailSendOutcome(
          SendGridResponses.badRequest(List.of(SendGridError.of(MALFORMED_JSON, null))),
          MailSendOutcome.UNREAD);
    }
    JsonNode personalizations = mail.path("personalizations");
    int count = personalizations.isArray() ? personalizations.size() : 0;
    // Faults are drawn only for authenticated, readable requests, so a test that deliberately
    // sends a broken request does not use up a forced failure meant for the next real one.
    Optional<InjectedFault> fault = faults.draw();
    if (fault.isPresent()) {
      return new MailSendOutcome(SendGridResponses.fault(fault.get()), count);
    }
    List<SendGridError> errors = validator.validate(mail);
    if (!errors.isEmpty()) {
      return new MailSendOutcome(SendGridResponses.badRequest(errors), count);
    }
    String xMessageId = MessageIds.next();
    List<RenderedPersonalization> rendered = renderer.render(mail);
    // Fates are drawn before the records are written and events queued only after, so whoever
    // sees a receipt can always look up the message's fate.
    ReceiptPlan receiptPlan = receipts.plan(xMessageId, rendered);
    store.recordAccepted(xMessageId, rendered, receiptPlan.fates());
    receipts.send(receiptPlan);
    return new MailSendOutcome(SendGridResponses.accepted(xMessageId), count);
  }

  private boolean isAuthorized(String authorization) {
    if (authorization == null || !authorization.startsWith(BEARER)) {
      return false;
    }
    byte[] presented = authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8);
    // A constant-time comparison costs nothing here and keeps the fake honest as a model.
    return MessageDigest.isEqual(presented, apiKey);
  }
}
