package dev.sendout.workflows.message;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of one message, as one explicit state machine.
 *
 * <p>Transitions only move forward: a message never returns to a state it has left. The store
 * applies a transition with {@code WHERE status IN (predecessorsOf(target))}, so an illegal
 * transition is refused by the same table that {@link #canMoveTo} reads.
 *
 * <pre>
 * QUEUED ─▶ RELEASED ─▶ ACCEPTED ─▶ DELIVERED ─▶ BOUNCED (a bounce after delivery)
 *   │           │           └─────▶ BOUNCED | DROPPED | FAILED | UNCONFIRMED
 *   │           ├─▶ FAILED (provider refused)  ·  UNCONFIRMED (send in doubt)
 *   │           └─▶ DELIVERED | BOUNCED | DROPPED (a receipt overtook our record of acceptance)
 *   └───────────┴─▶ CANCELLED                UNCONFIRMED ─▶ DELIVERED | BOUNCED | DROPPED | FAILED
 *   └───────────┴─▶ SUPPRESSED (the recipient is on the tenant's suppression list)
 * </pre>
 *
 * <p>SUPPRESSED is decided at the release and again just before the provider call, so a message is
 * never handed to the provider for an address that bounced, reported spam or unsubscribed. It is
 * final and settled: nothing waits for it, and it is never stuck.
 *
 * <p>ACCEPTED means the provider took the message (HTTP 202), never that it was delivered (I1).
 * UNCONFIRMED means the provider may hold the message but has not confirmed it: either no receipt
 * came before the receipt deadline, or the send's outcome is unknown because the call broke off
 * after the request left (a read timeout, a worker killed mid-call). Such a message is never sent
 * again automatically (I4); a late receipt can still settle it.
 *
 * <p>Receipts are applied in whatever order they arrive, and the result does not depend on that
 * order: a signed receipt may settle a message we have not yet recorded as accepted (the provider
 * was faster than our own write), and a bounce reported after delivery wins over the delivery,
 * because the receiving server took the message and then refused it, so the recipient does not have
 * it. A delivery reported after a bounce changes nothing.
 *
 * <p>The one way back is a person's choice: support staff may send UNCONFIRMED and FAILED messages
 * again ({@link #isResendable}), which returns them to RELEASED as a new attempt. No code path does
 * this on its own, so I4 (nothing sent twice without a person deciding it) holds.
 */
public enum MessageStatus {
  QUEUED,
  RELEASED,
  ACCEPTED,
  UNCONFIRMED,
  DELIVERED,
  BOUNCED,
  DROPPED,
  FAILED,
  CANCELLED,
  /** Never sent: the recipient is on the tenant's suppression list; the reason is its lastError. */
  SUPPRESSED;

  private static final Map<MessageStatus, Set<MessageStatus>> NEXT =
      new EnumMap<>(MessageStatus.class);
  private static final Map<MessageStatus, Set<MessageStatus>> PREVIOUS =
      new EnumMap<>(MessageStatus.class);
  private static final Set<MessageStatus> SETTLED =
      EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED, CANCELLED, SUPPRESSED);

  static {
    NEXT.put(QUEUED, EnumSet.of(RELEASED, CANCELLED, SUPPRESSED));
    NEXT.put(
        RELEASED,
        EnumSet.of(
            ACCEPTED, UNCONFIRMED, DELIVERED, BOUNCED, DROPPED, FAILED, CANCELLED, SUPPRESSED));
    NEXT.put(ACCEPTED, EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED, UNCONFIRMED));
    NEXT.put(UNCONFIRMED, EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED));
    NEXT.put(DELIVERED, EnumSet.of(BOUNCED));
    for (MessageStatus s : EnumSet.of(BOUNCED, DROPPED, FAILED, CANCELLED, SUPPRESSED)) {
      NEXT.put(s, EnumSet.noneOf(MessageStatus.class));
    }
    for (MessageStatus target : values()) {
      EnumSet<MessageStatus> from = EnumSet.noneOf(MessageStatus.class);
      NEXT.forEach(
          (state, next) -> {
            if (next.contains(target)) {
              from.add(state);
            }
          });
      PREVIOUS.put(target, Collections.unmodifiableSet(from));
    }
  }

  /** True for the states a person may send again: the provider refused, or never confirmed. */
  public boolean isResendable() {
    return this == UNCONFIRMED || this == FAILED;
  }

  /** True when a message in this state may move to {@code target}. */
  public boolean canMoveTo(MessageStatus target) {
    return NEXT.get(this).contains(target);
  }

  /** The states from which {@code target} may be reached. */
  public static Set<MessageStatus> predecessorsOf(MessageStatus target) {
    return PREVIOUS.get(target);
  }

  /**
   * True when the message needs nothing more from us or the provider: it reached the recipient, or
   * it never will. DELIVERED is settled although a late bounce may still overturn it.
   */
  public boolean isSettled() {
    return SETTLED.contains(this);
  }
}
