package dev.sendout.api.sendout;

import dev.sendout.api.limits.TenantLimits;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.channel.ChannelType;
import dev.sendout.core.channel.Channels;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SendoutStore.Created;
import dev.sendout.core.window.TimeZones;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Creates sendouts: validate, store with their messages in one transaction, then start. */
@Service
public class SendoutService {

  private final SendoutRequestValidator validator;
  private final SendoutStore sendouts;
  private final OutboxRelay relay;
  private final Idempotency idempotency;
  private final TenantLimits limits;
  private final Channels channels;

  public SendoutService(
      SendoutRequestValidator validator,
      SendoutStore sendouts,
      OutboxRelay relay,
      Idempotency idempotency,
      TenantLimits limits,
      Channels channels) {
    this.validator = validator;
    this.sendouts = sendouts;
    this.relay = relay;
    this.idempotency = idempotency;
    this.limits = limits;
    this.channels = channels;
  }

  /**
   * Stores the sendout, or finds the one stored earlier under the same Idempotency-Key, and asks
   * for its workflow to be started. Once this returns, the sendout is durable: if Temporal cannot
   * be reached now, the outbox relay starts it later.
   */
  public Created create(Tenant tenant, CreateSendoutRequest request, String idempotencyKey) {
    idempotency.checkKey(idempotencyKey);
    var valid = validator.validate(request);
    String requestHash = idempotency.fingerprint(request);
    // A replay stores nothing new, so it takes nothing from the tenant's recipient budget.
    Created created =
        Optional.ofNullable(idempotencyKey)
            .flatMap(key -> sendouts.findByIdempotencyKey(tenant.id(), key))
            .map(earlier -> new Created(earlier, true))
            .orElseGet(
                () -> {
                  limits.takeRecipients(tenant, request.recipients().size());
                  return sendouts.create(
                      new NewSendout(
                          UUID.randomUUID(),
                          tenant.id(),
                          valid.channel(),
                          valid.content(),
                          valid.sendAt(),
                          valid.receiptTimeout(),
                          idempotencyKey,
                          requestHash,
                          request.recipients().stream()
                              .map(r -> stored(channels.of(valid.channel()), r, valid.timeZone()))
                              .toList(),
                          valid.window(),
                          valid.timeZone(),
                          valid.reminders(),
                          valid.closesAt(),
                          valid.thankYou()));
                });
    if (created.existed()
        && !idempotency.matches(request, requestHash, created.sendout().requestHash())) {
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

  /**
   * A validated recipient as the store keeps it. Where the message goes: the phone number in E.164
   * form for SMS, the address for email; and the zone its delivery window is applied in ({@link
   * TimeZones#resolve}), given the sendout's zone.
   */
  public static NewSendout.Recipient stored(
      ChannelType channel, CreateSendoutRequest.Recipient r, String sendoutZone) {
    String address = channel.address(r.email(), r.phone());
    return new NewSendout.Recipient(
        address,
        r.name(),
        r.variables() == null ? Map.of() : r.variables(),
        r.externalId(),
        TimeZones.resolve(channel.channel(), address, r.timeZone(), sendoutZone));
  }
}
