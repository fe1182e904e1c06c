package dev.sendout.api.support;

import dev.sendout.api.Cursors;
import dev.sendout.api.PageSize;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.sendout.Idempotency;
import dev.sendout.api.sendout.TextRules;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.api.tenant.TenantSendouts;
import dev.sendout.core.sendout.StoredSendout;
import dev.sendout.core.support.AuditTrail;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.SupportAction;
import dev.sendout.workflows.sendout.SupportActionType;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Support actions on one sendout: checks who asks and why, makes sure the sendout exists and its
 * workflow runs, then asks the workflow. The workflow records each action in the audit trail.
 */
@Service
public class SupportService {

  /** Who the audit trail names when a caller does not say. */
  static final String DEFAULT_ACTOR = "api";

  /** The width of the audit trail's actor column. */
  static final int MAX_ACTOR_LENGTH = 256;

  /** A note travels in the workflow's history and the audit trail: a paragraph, not a file. */
  static final int MAX_NOTE_LENGTH = 2000;

  /**
   * Entries of an audit trail a page holds, and holds when no limit is asked: every addition is an
   * entry, so a trail can grow without bound, and was answered whole.
   */
  static final int MAX_AUDIT_PAGE = 1000;

  private static final String AUDIT_CURSOR = "audit:";

  private final TenantSendouts tenantSendouts;
  private final SupportActions actions;
  private final AuditTrail audit;
  private final Idempotency idempotency;
  private final Clock clock;

  public SupportService(
      TenantSendouts tenantSendouts,
      SupportActions actions,
      AuditTrail audit,
      Idempotency idempotency,
      Clock clock) {
    this.tenantSendouts = tenantSendouts;
    this.actions = actions;
    this.audit = audit;
    this.idempotency = idempotency;
    this.clock = clock;
  }

  /** An action taken, or found taken before under the same Idempotency-Key ({@code replayed}). */
  public record Taken(ActionTaken action, boolean replayed) {}

  /**
   * Takes the action and answers how many messages it affected. Under an Idempotency-Key it is
   * taken once: a repeat finds it in the audit trail (or, while the first is still under way,
   * Temporal joins it to the first) and answers what the first did.
   */
  public Taken take(
      Tenant tenant,
      UUID id,
      SupportActionType action,
      SupportActionRequest request,
      String idempotencyKey) {
    StoredSendout sendout = tenantSendouts.get(tenant, id);
    SupportAction by = supportAction(action, request);
    idempotency.checkKey(idempotencyKey);
    if (idempotencyKey != null) {
      var earlier = audit.find(id, SupportActions.actionIds(idempotencyKey));
      if (earlier.isPresent()) {
        return replay(id, action, by, earlier.get());
      }
    }
    String actionId =
        idempotencyKey == null
            ? UUID.randomUUID().toString()
            : SupportActions.actionId(idempotencyKey);
    int messages = take(sendout, action, by, actionId);
    if (idempotencyKey != null) {
      // A call that joined another one's Update under the key (Temporal answers it with the
      // first's outcome) is refused if it asked for something else.
      audit.find(id, List.of(actionId)).ifPresent(taken -> requireSameRequest(action, by, taken));
    }
    return new Taken(new ActionTaken(id, action, messages), false);
  }

  private int take(
      StoredSendout sendout, SupportActionType action, SupportAction by, String actionId) {
    if (action == SupportActionType.RESEND && sendout.closed(clock.instant())) {
      // Past its close a sendout sends nothing (its workflow has cut what was still to go), so
      // messages moved back to RELEASED would wait there for good.
      throw new ApiProblem(
          ProblemType.WRONG_STATE,
          "The survey closed at %s: nothing is sent again after it".formatted(sendout.closesAt()));
    }
    if (action == SupportActionType.RESEND && sendout.status() == SendoutStatus.COMPLETED) {
      return actions.resendAfterCompletion(sendout, by, actionId);
    }
    actions.startIfNeeded(sendout);
    return actions.take(sendout.id(), action, by, actionId);
  }

  /**
   * The earlier call's answer. A key that took another action, or the same one for another actor or
   * with another note, is refused: that is another request, which the caller would take for done.
   */
  private static Taken replay(
      UUID id, SupportActionType action, SupportAction by, AuditTrail.Entry earlier) {
    requireSameRequest(action, by, earlier);
    return new Taken(new ActionTaken(id, action, earlier.messages()), true);
  }

  private static void requireSameRequest(
      SupportActionType action, SupportAction by, AuditTrail.Entry earlier) {
    if (earlier.action() != action
        || !earlier.actor().equals(by.by())
        || !Objects.equals(earlier.note(), by.note())) {
      throw new ApiProblem(
          ProblemType.IDEMPOTENCY_KEY_REUSED,
          "This Idempotency-Key took the %s action on this sendout at %s, by %s%s"
              .formatted(
                  earlier.action(),
                  earlier.at(),
                  earlier.actor(),
                  earlier.note() == null ? ", without a note" : ", with its own note"));
    }
  }

  public AuditView audit(Tenant tenant, UUID id, Integer limit, String cursor) {
    tenantSendouts.get(tenant, id);
    int size = PageSize.of(limit, MAX_AUDIT_PAGE, MAX_AUDIT_PAGE);
    List<AuditTrail.Listed> page =
        audit.list(id, Cursors.place(cursor, AUDIT_CURSOR, 0L, Long::parseLong), size);
    String next =
        page.size() < size ? null : Cursors.of(AUDIT_CURSOR, page.get(page.size() - 1).id());
    return new AuditView(id, page.stream().map(AuditTrail.Listed::entry).toList(), next);
  }

  /** The caller's name for the audit trail, or {@link #DEFAULT_ACTOR}. */
  static String actor(String by) {
    if (by == null) {
      return DEFAULT_ACTOR;
    }
    if (by.codePoints().noneMatch(SupportService::visible)
        || by.codePointCount(0, by.length()) > MAX_ACTOR_LENGTH) {
      throw ApiProblem.invalid(
          "/by", "must be 1 to " + MAX_ACTOR_LENGTH + " characters, one of them visible");
    }
    TextRules.require("/by", by, TextRules.Kind.LINE);
    return by;
  }

  /**
   * Whether a character shows: not a space, a control or a format character. An actor of only a
   * soft hyphen (U+00AD) or a Mongolian vowel separator (U+180E) was taken, and the trail named no
   * one (a hostile sweep).
   */
  private static boolean visible(int codePoint) {
    int type = Character.getType(codePoint);
    return !Character.isWhitespace(codePoint)
        && !Character.isSpaceChar(codePoint)
        && type != Character.FORMAT
        && type != Character.CONTROL
        && type != Character.UNASSIGNED;
  }

  static SupportAction supportAction(SupportActionType action, SupportActionRequest request) {
    SupportActionRequest body = request == null ? new SupportActionRequest(null, null) : request;
    String note = body.note();
    if (action == SupportActionType.ACKNOWLEDGE && (note == null || note.isBlank())) {
      throw ApiProblem.invalid("/note", "is required to acknowledge: say what was seen");
    }
    if (note != null && note.length() > MAX_NOTE_LENGTH) {
      throw ApiProblem.invalid("/note", "at most " + MAX_NOTE_LENGTH + " characters");
    }
    TextRules.require("/note", note, TextRules.Kind.BODY);
    return new SupportAction(actor(body.by()), note);
  }
}
