package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.JsonBodies;
import dev.sendout.sandbox.Latency;
import dev.sendout.sandbox.vonage.statuses.StatusPlan;
import dev.sendout.sandbox.vonage.statuses.Statuses;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Answers {@code POST /v1/messages}: rate limit, authenticate, read the body, apply any injected
 * fault, validate, and only then accept, record and schedule the status webhooks.
 *
 * <p>The rate limit is applied first, on arrival, because that is the moment the engine's pacing
 * controls and the moment the acceptance tests measure; every admitted request uses up the
 * allowance, whether it is then refused or not.
 */
@Service
public class SmsSendHandler {

  private final RateLimiter rateLimiter;
  private final VonageAuthenticator authenticator;
  private final ObjectMapper objectMapper;
  private final VonageFaultInjector faults;
  private final SmsValidator validator;
  private final SmsStore store;
  private final Statuses statuses;
  private final VonageCounters counters;

  public SmsSendHandler(
      RateLimiter rateLimiter,
      VonageAuthenticator authenticator,
      ObjectMapper objectMapper,
      VonageFaultInjector faults,
      SmsValidator validator,
      SmsStore store,
      Statuses statuses,
      VonageCounters counters) {
    this.rateLimiter = rateLimiter;
    this.authenticator = authenticator;
    this.objectMapper = objectMapper;
    this.faults = faults;
    this.validator = validator;
    this.store = store;
    this.statuses = statuses;
    this.counters = counters;
  }

  public ResponseEntity<?> handle(String authorization, byte[] body) {
    boolean admitted = rateLimiter.admit();
    // The delay comes before any other work, like a slow platform. A request whose caller gave up
    // meanwhile is still processed and may be accepted, as with the real API: a client timeout
    // does not mean the message was not sent. An interrupted wait is answered like an outage.
    if (!Latency.await(faults.latencyMs())) {
      return VonageResponses.serverError();
    }
    if (!admitted) {
      return VonageResponses.throttled();
    }
    // A rejected-credentials fault answers where wrong credentials are refused, after the rate
    // limit
    // and before the body is read, so that the answer and the counters are those of a real one.
    if (faults.rejectsCredentials() || !authenticator.isAuthorized(authorization)) {
      return VonageResponses.unauthorized();
    }
    JsonNode request = JsonBodies.object(objectMapper, body);
    if (request == null) {
      return VonageResponses.invalidJson();
    }
    if (faults.drawServerError()) {
      return VonageResponses.serverError();
    }
    List<InvalidParameter> problems = validator.validate(request);
    if (!problems.isEmpty()) {
      return VonageResponses.invalidParams(problems);
    }
    AcceptedSms sms =
        new AcceptedSms(
            UUID.randomUUID().toString(),
            SmsValidator.string(request, "to"),
            SmsValidator.string(request, "from"),
            SmsValidator.string(request, "text"),
            SmsValidator.string(request, "client_ref"),
            Instant.now());
    // The fate is drawn before the record is written and the statuses scheduled only after, so
    // whoever receives a status can always look up the message's fate.
    StatusPlan plan = statuses.plan(sms);
    counters.countMessage(store.record(sms, plan));
    statuses.send(plan);
    return VonageResponses.accepted(sms.messageUuid());
  }
}
