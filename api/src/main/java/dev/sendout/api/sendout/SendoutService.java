package dev.sendout.api.sendout;

import dev.sendout.activities.store.NewSendout;
import dev.sendout.activities.store.SendoutStore;
import dev.sendout.activities.store.SendoutStore.Created;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.workflows.sendout.Channel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/** Creates sendouts: validate, store with their messages in one transaction, then start. */
@Service
public class SendoutService {

  /** Every sendout belongs to a tenant; until API keys arrive, all callers share this one. */
  public static final String DEFAULT_TENANT = "default";

  private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  private final SendoutRequestValidator validator;
  private final SendoutStore sendouts;
  private final OutboxRelay relay;
  private final ObjectMapper json;

  public SendoutService(
      SendoutRequestValidator validator,
      SendoutStore sendouts,
      OutboxRelay relay,
      ObjectMapper json) {
    this.validator = validator;
    this.sendouts = sendouts;
    this.relay = relay;
    this.json = json;
  }

  /**
   * Stores the sendout, or finds the one stored earlier under the same Idempotency-Key, and asks
   * for its workflow to be started. Once this returns, the sendout is durable: if Temporal cannot
   * be reached now, the outbox relay starts it later.
   */
  public Created create(String tenantId, CreateSendoutRequest request, String idempotencyKey) {
    if (idempotencyKey != null
        && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw ApiProblem.invalid("Idempotency-Key", "must be 1 to 255 characters");
    }
    var valid = validator.validate(request);
    String requestHash = fingerprint(request);
    var recipients =
        request.recipients().stream()
            .map(r -> new NewSendout.Recipient(address(valid.channel(), r), r.name(), variables(r)))
            .toList();
    Created created =
        sendouts.create(
            new NewSendout(
                UUID.randomUUID(),
                tenantId,
                valid.channel(),
                valid.content(),
                valid.sendAt(),
                valid.receiptTimeout(),
                idempotencyKey,
                requestHash,
                recipients));
    if (created.existed() && !requestHash.equals(created.sendout().requestHash())) {
      throw new ApiProblem(
          ProblemType.IDEMPOTENCY_KEY_REUSED,
          "Idempotency-Key '%s' was first used for a different request (sendout %s)"
              .formatted(idempotencyKey, created.sendout().id()));
    }
    if (created.sendout().workflowStartedAt() == null) {
      relay.nudge(created.sendout().id());
    }
    return created;
  }

  /** Where the message goes: the phone number (with its +) for SMS, the address for email. */
  private static String address(Channel channel, CreateSendoutRequest.Recipient r) {
    return channel == Channel.SMS ? r.phone() : r.email();
  }

  private static Map<String, String> variables(CreateSendoutRequest.Recipient r) {
    return r.variables() == null ? Map.of() : r.variables();
  }

  /** SHA-256 of the request as parsed, so formatting differences do not count as a change. */
  private String fingerprint(CreateSendoutRequest request) {
    try {
      byte[] canonical = json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
