package dev.sendout.core.suppression;

import dev.sendout.workflows.sendout.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * What a recipient's SMS reply does to the suppression list. STOP and its usual synonyms put the
 * number on the list (SMS_STOP); START and UNSTOP take an SMS_STOP entry off again, and only such
 * an entry, since a bounce or a person's entry is not the recipient's to lift. Anything else is
 * left alone.
 *
 * <p>A reply names the recipient's number and our sender, never a tenant. It concerns every tenant
 * that sent SMS from that sender to that number: those are the senders the recipient is answering,
 * and a number shared by several tenants was, for the recipient, one sender. A number no tenant
 * sent to from that sender changes nothing.
 */
@Repository
public class SmsReplies {

  /** What a reply asks for. */
  public enum Keyword {
    STOP,
    START,
    OTHER;

    private static final Set<String> STOPS =
        Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    private static final Set<String> STARTS = Set.of("START", "UNSTOP");

    /** The keyword of a reply's text: trimmed, in any case, and alone. */
    public static Keyword of(String text) {
      String word = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
      return STOPS.contains(word) ? STOP : STARTS.contains(word) ? START : OTHER;
    }
  }

  /**
   * What a reply did.
   *
   * @param tenants the tenants it concerned
   * @param changed how many of their lists it changed (0 when applied before)
   */
  public record Outcome(Keyword keyword, List<String> tenants, int changed) {}

  private final DSLContext db;
  private final SuppressionStore store;

  public SmsReplies(DSLContext db, SuppressionStore store) {
    this.db = db;
    this.store = store;
  }

  /**
   * Applies one reply.
   *
   * @param number the recipient's number, normalised
   * @param sender our sender id or number the reply was sent to, as the provider writes it
   * @param source the event, such as {@code vonage:inbound:<message_uuid>}
   */
  @Transactional
  public Outcome apply(SuppressionKey number, String sender, String text, String source) {
    if (number.channel() != Channel.SMS) {
      throw new IllegalArgumentException("An SMS reply comes from a phone number");
    }
    Keyword keyword = Keyword.of(text);
    if (keyword == Keyword.OTHER) {
      return new Outcome(keyword, List.of(), 0);
    }
    List<String> tenants = tenantsOf(number, sender);
    int changed = 0;
    for (String tenant : tenants) {
      if (keyword == Keyword.STOP) {
        var added =
            store.add(
                tenant, new SuppressionStore.NewEntry(number, SuppressionReason.SMS_STOP, source));
        changed += added.created() ? 1 : 0;
      } else if (store
          .lookup(tenant, number)
          .filter(e -> e.reason() == SuppressionReason.SMS_STOP)
          .isPresent()) {
        changed += store.remove(tenant, number, source).isPresent() ? 1 : 0;
      }
    }
    return new Outcome(keyword, tenants, changed);
  }

  /**
   * The tenants that sent SMS from {@code sender} to the number. Sender numbers are compared with
   * or without their +, since Vonage writes them without. The message index on SMS addresses (V11)
   * finds the number's messages; the predicate {@code address like '+%'} is the index's own.
   */
  List<String> tenantsOf(SuppressionKey number, String sender) {
    List<String> tenants = new ArrayList<>();
    db.resultQuery(
            """
            select distinct s.tenant_id
              from message m
              join sendout s on s.id = m.sendout_id
             where m.address = {0}
               and m.address like '+%'
               and s.channel = 'SMS'
               and ltrim(s.content ->> 'senderId', '+') = ltrim({1}, '+')
             order by s.tenant_id
            """,
            org.jooq.impl.DSL.val(number.address()), org.jooq.impl.DSL.val(sender))
        .fetch()
        .forEach(r -> tenants.add(r.get(0, String.class)));
    return tenants;
  }
}
