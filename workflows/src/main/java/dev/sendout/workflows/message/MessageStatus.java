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
 * QUEUED ─▶ RELEASED ─▶ ACCEPTED ─▶ DELIVERED | BOUNCED | DROPPED | FAILED | UNCONFIRMED
 *   │           │  └──────────────▶ FAILED (provider refused)  ·  UNCONFIRMED (send in doubt)
 *   └───────────┴─▶ CANCELLED                UNCONFIRMED ─▶ DELIVERED | BOUNCED | DROPPED | FAILED
 * </pre>
 *
 * <p>ACCEPTED means the provider took the message (HTTP 202), never that it was delivered (I1).
 * UNCONFIRMED means the provider may hold the message but has not confirmed it: either no receipt
 * came before the receipt deadline, or the send's outcome is unknown because the call broke off
 * after the request left (a read timeout, a worker killed mid-call). Such a message is never sent
 * again automatically (I4); a late receipt can still settle it.
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
  CANCELLED;

  private static final Map<MessageStatus, Set<MessageStatus>> NEXT =
      new EnumMap<>(MessageStatus.class);
  private static final Map<MessageStatus, Set<MessageStatus>> PREVIOUS =
      new EnumMap<>(MessageStatus.class);

  static {
    NEXT.put(QUEUED, EnumSet.of(RELEASED, CANCELLED));
    NEXT.put(RELEASED, EnumSet.of(ACCEPTED, FAILED, UNCONFIRMED, CANCELLED));
    NEXT.put(ACCEPTED, EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED, UNCONFIRMED));
    NEXT.put(UNCONFIRMED, EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED));
    for (MessageStatus s : EnumSet.of(DELIVERED, BOUNCED, DROPPED, FAILED, CANCELLED)) {
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

  /** True when a message in this state may move to {@code target}. */
  public boolean canMoveTo(MessageStatus target) {
    return NEXT.get(this).contains(target);
  }

  /** The states from which {@code target} may be reached. */
  public static Set<MessageStatus> predecessorsOf(MessageStatus target) {
    return PREVIOUS.get(target);
  }

  /** True when no further transition can happen. */
  public boolean isFinal() {
    return NEXT.get(this).isEmpty();
  }
}
