package dev.sendout.api.support;

import dev.sendout.api.limits.TenantLimits;
import dev.sendout.api.limits.WriteBulkheads;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.sendout.Idempotency;
import dev.sendout.api.sendout.SendoutRequestValidator;
import dev.sendout.api.sendout.SendoutService;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.api.tenant.TenantSendouts;
import dev.sendout.core.channel.Channels;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.core.support.CombinedAdditions;
import dev.sendout.core.support.DuplicateExternalIdException;
import dev.sendout.core.support.RecipientAdditions;
import dev.sendout.core.support.RecipientAdditions.Addition;
import dev.sendout.core.support.RepeatedRecipientException;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SeqRange;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Adds recipients to a sendout: the messages are stored, QUEUED, in one transaction with the
 * sendout's new recipient count and the Idempotency-Key, and the caller is answered 202. Nothing on
 * this path waits for Temporal: the stored addition is the outbox, and the {@link AdditionRelay}
 * hands it to the workflow moments later, whatever Temporal is doing now.
 */
@Service
public class AddRecipientsService {

  private final SendoutStore sendouts;
  private final SendoutRequestValidator validator;
  private final Idempotency idempotency;
  private final RecipientAdditions additions;
  private final TenantLimits limits;
  private final WriteBulkheads writes;
  private final ObjectMapper json;
  private final TenantSendouts tenantSendouts;
  private final Channels channels;
  private final CombinedAdditions combined;
  private final AuditTrail audit;

  /** The sendouts added to lately. */
  private final Map<UUID, Target> targets = lru(1000);

  /** The Idempotency-Keys of the additions this api stored or replayed lately, per sendout. */
  private final Map<StoredKey, Boolean> storedKeys = lru(10_000);

  private record StoredKey(UUID sendoutId, String idempotencyKey) {}

  /** A map of at most {@code max} entries, the least recently used dropped first. */
  private static <K, V> Map<K, V> lru(int max) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > max;
          }
        });
  }

  public AddRecipientsService(
      SendoutStore sendouts,
      SendoutRequestValidator validator,
      Idempotency idempotency,
      RecipientAdditions additions,
      TenantLimits limits,
      WriteBulkheads writes,
      ObjectMapper json,
      TenantSendouts tenantSendouts,
      Channels channels,
      CombinedAdditions combined,
      AuditTrail audit) {
    this.sendouts = sendouts;
    this.validator = validator;
    this.idempotency = idempotency;
    this.additions = additions;
    this.limits = limits;
    this.writes = writes;
    this.json = json;
    this.tenantSendouts = tenantSendouts;
    this.channels = channels;
    this.combined = combined;
    this.audit = audit;
  }

  /** The addition, and whether it repeats an earlier call with the same Idempotency-Key. */
  public record Result(RecipientsAdded added, boolean replayed) {}

  public Result add(Tenant tenant, UUID id, AddRecipientsRequest request, String idempotencyKey) {
    idempotency.checkKey(idempotencyKey);
    Target sendout = target(tenant, id);
    String by = SupportService.actor(request.by());
    validator.validateRecipients(
        sendout.channel(), sendout.content(), sendout.later(), request.recipients());
    takeRecipients(tenant, id, idempotencyKey, request.recipients().size());
    List<NewSendout.Recipient> recipients =
        request.recipients().stream()
            .map(r -> SendoutService.stored(channels.of(sendout.channel()), r, sendout.timeZone()))
            .toList();
    String hash = idempotency.fingerprint(request);
    return result(
        id,
        keyOrNew(idempotencyKey),
        stored -> idempotency.matches(request, hash, stored),
        key -> combined.add(tenant.id(), id, key, recipients, hash, by),
        (index, field) -> "/recipients/" + index + field,
        sendout.channel());
  }

  /**
   * Adds an uploaded file of recipients, one per line (NDJSON) or row (CSV), read as a stream: it
   * is validated a chunk at a time and kept on disk until read to its end ({@link
   * SpooledRecipients}), then stored a chunk at a time, so the api's memory does not grow with its
   * size and the sendout is locked only while it is stored. One bad line rejects the whole upload,
   * and nothing of it is stored.
   *
   * @param callerStillAllowed refuses the call if its caller may no longer add, asked once the
   *     upload has been read
   */
  public Result upload(
      Tenant tenant,
      UUID id,
      UploadedRecipients.Format format,
      Charset charset,
      InputStream body,
      String by,
      String idempotencyKey,
      Runnable callerStillAllowed) {
    idempotency.checkKey(idempotencyKey);
    Target sendout = target(tenant, id);
    boolean replay = isReplay(id, idempotencyKey);
    // An upload to a sendout that takes no more recipients is refused before its body is read:
    // read to its end first (SpooledRecipients), it was checked and took the tenant's recipient
    // budget, and could answer 429 or 400 where the store answers 409 (the second reader).
    Addition refused = replay ? null : additions.refusal(tenant.id(), id);
    if (refused != null) {
      throw refused.outcome() == RecipientAdditions.Outcome.CLOSED
          ? closed(id)
          : finished(id, refused.status());
    }
    var source =
        new UploadedRecipients(
            body,
            format,
            charset,
            recipients -> {
              validator.validateUploadedRecipients(
                  sendout.channel(), sendout.content(), sendout.later(), recipients);
              return recipients.stream()
                  .map(
                      r ->
                          SendoutService.stored(
                              channels.of(sendout.channel()), r, sendout.timeZone()))
                  .toList();
            },
            json);
    String actor = SupportService.actor(by);
    String key = keyOrNew(idempotencyKey);
    try (var spooled = SpooledRecipients.spool(source)) {
      // Read to its end, which may have taken hours at the minimum body rate. Once it has its
      // place to be stored, its caller is asked again (a key revoked meanwhile stores nothing), and
      // it takes its recipients from the tenant's budget, all of them known good by then (an
      // upload refused for a bad line, or for no place, took none).
      limits.refuseOverAMinutesBudget(spooled.size());
      return writes.storeUpload(
          tenant.id(),
          () -> {
            callerStillAllowed.run();
            if (!replay) {
              limits.takeRecipients(tenant, spooled.size());
            }
            return result(
                id,
                key,
                // The hash is of the body alone; the actor, a query parameter, is the trail's.
                stored -> spooled.requestHash().equals(stored) && recordedBy(id, key, actor),
                storeKey -> additions.add(tenant.id(), id, storeKey, spooled, actor),
                spooled::pointer,
                sendout.channel());
          });
    }
  }

  /** Whether the addition stored under the key was recorded as the actor's (or not recorded). */
  private boolean recordedBy(UUID id, String key, String actor) {
    return audit
        .find(id, List.of(RecipientAdditions.actionId(key)))
        .map(entry -> entry.actor().equals(actor))
        .orElse(true);
  }

  /**
   * A replay stores nothing new, so it is never refused for the tenant's recipient budget. A key
   * this api stored lately is known without a query and takes nothing from the budget; any other
   * key is looked up only when the budget refuses it, so that an addition under a new key, the
   * common case, costs no query for it. (A replay of an addition another api replica stored, or one
   * stored before a restart, may so take from a budget that has room.)
   */
  private void takeRecipients(Tenant tenant, UUID id, String idempotencyKey, int count) {
    if (idempotencyKey != null && storedKeys.containsKey(new StoredKey(id, idempotencyKey))) {
      return;
    }
    try {
      limits.takeRecipients(tenant, count);
    } catch (ApiProblem overBudget) {
      if (idempotencyKey == null || !additions.isKnown(id, idempotencyKey)) {
        throw overBudget;
      }
    }
  }

  /**
   * An upload is read a chunk at a time: whether it is a replay is asked once, before the first.
   */
  private boolean isReplay(UUID id, String idempotencyKey) {
    return idempotencyKey != null
        && (storedKeys.containsKey(new StoredKey(id, idempotencyKey))
            || additions.isKnown(id, idempotencyKey));
  }

  /** Without a key a retry cannot be recognised; the made-up one still names the addition. */
  private static String keyOrNew(String idempotencyKey) {
    return idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
  }

  /**
   * Stores the addition under {@code key} and answers for it.
   *
   * @param sameRequest whether a fingerprint kept with the key is this request's, asked once it is
   *     stored: an upload's is known only once it has been read
   * @param at where the addition's recipient number i gave a field
   * @param channel the sendout's, whose recipients' address field a repeat is named by
   */
  private Result result(
      UUID id,
      String key,
      Predicate<String> sameRequest,
      Function<String, Addition> store,
      RecipientPointer at,
      Channel channel) {
    Addition addition;
    try {
      addition = store.apply(key);
    } catch (RepeatedRecipientException e) {
      // Only an upload meets it, in a chunk after the first: a JSON request's recipients, and each
      // chunk of an upload, are checked for repeats before they are stored.
      String field =
          e.repeats() == RepeatedRecipientException.Repeats.ADDRESS
              ? validator.addressField(channel)
              : "/externalId";
      throw ApiProblem.invalid(
          at.pointer(e.index(), field), "duplicate of " + at.pointer(e.earlierIndex(), field));
    } catch (DuplicateExternalIdException e) {
      String pointer = at.pointer(e.index(), "/externalId");
      throw new ApiProblem(
          ProblemType.DUPLICATE_EXTERNAL_ID,
          "%s: '%s' is already the externalId of a recipient of sendout %s; nothing was added"
              .formatted(pointer, e.externalId(), id),
          List.of(
              new FieldProblem(
                  pointer, "'" + e.externalId() + "' is already a recipient of this sendout")));
    }
    SeqRange range =
        switch (addition.outcome()) {
          case NO_SENDOUT ->
              throw new ApiProblem(ProblemType.NOT_FOUND, "No sendout with id " + id);
          case FINISHED -> throw finished(id, addition.status());
          case CLOSED -> throw closed(id);
          case REPLAYED -> {
            if (!sameRequest.test(addition.requestHash())) {
              throw new ApiProblem(
                  ProblemType.IDEMPOTENCY_KEY_REUSED,
                  "Idempotency-Key '%s' was first used for a different addition to sendout %s"
                      .formatted(key, id));
            }
            yield addition.messages();
          }
          case ADDED -> addition.messages();
        };
    storedKeys.put(new StoredKey(id, key), Boolean.TRUE);
    return new Result(
        new RecipientsAdded(id, range.size(), range.fromSeq(), range.toSeq()),
        addition.outcome() == RecipientAdditions.Outcome.REPLAYED);
  }

  private static ApiProblem finished(UUID id, SendoutStatus status) {
    return new ApiProblem(
        ProblemType.SENDOUT_FINISHED,
        "Sendout %s is %s: recipients can no longer be added"
            .formatted(id, status.name().toLowerCase(Locale.ROOT)));
  }

  private static ApiProblem closed(UUID id) {
    return new ApiProblem(
        ProblemType.SENDOUT_FINISHED,
        "Sendout %s is closed (its survey closed at closesAt): recipients can no longer be added"
            .formatted(id));
  }

  /** Where an addition's recipient number {@code index} (from 0) gave {@code field}. */
  @FunctionalInterface
  private interface RecipientPointer {
    String pointer(int index, String field);
  }

  /**
   * What an addition needs of its sendout: none of it changes once the sendout is created, so it is
   * read once, not on every call of a caller adding one recipient at a time. Whether the sendout
   * still takes recipients is decided when the addition is stored.
   */
  private record Target(
      String tenantId,
      Channel channel,
      Object content,
      List<LaterContent> later,
      String timeZone) {}

  private Target target(Tenant tenant, UUID id) {
    Target known = targets.get(id);
    if (known != null && known.tenantId().equals(tenant.id())) {
      return known;
    }
    StoredSendout sendout = tenantSendouts.get(tenant, id);
    var target =
        new Target(
            sendout.tenantId(),
            sendout.channel(),
            sendouts.content(id, channels.of(sendout.channel()).contentType()),
            sendouts.laterContents(id),
            sendout.timeZone());
    targets.put(id, target);
    return target;
  }
}
