package dev.sendout.core.suppression;

import dev.sendout.workflows.sendout.Channel;
import java.text.Normalizer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
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
 *
 * <p>Each STOP and START is recorded by its event ({@code sms_reply}): one posted again (the
 * provider's retry, or a signed call captured and replayed within its age) changes nothing, and a
 * START changes nothing once a STOP from the number as late or later is recorded, to whichever of
 * our senders (a tenant's entry stands for all of them), whatever order they arrive in. A STOP is
 * applied whenever it comes, late or not: a number is never put back on the send list by a reply
 * that may be stale.
 */
@Repository
public class SmsReplies {

  /** What a reply asks for. */
  public enum Keyword {
    STOP,
    START,
    OTHER;

    /** The CTIA's opt-out keywords ("OPT OUT" written as one word, as spaces are dropped). */
    private static final Set<String> STOPS =
        Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");

    private static final Set<String> STARTS = Set.of("START", "UNSTOP");

    /**
     * Punctuation, symbols (emoji among them), marks (an emoji's variation selector) and spaces
     * around the word, as in "Stop.", "STOP!" or "STOP 🙏".
     */
    private static final Pattern AROUND =
        Pattern.compile("(?U)^[\\p{P}\\p{S}\\p{M}\\s]+|[\\p{P}\\p{S}\\p{M}\\s]+$");

    /** Spaces and dashes within the word: "STOP ALL", "OPT OUT", "opt-out", "S T O P". */
    private static final Pattern WITHIN = Pattern.compile("(?U)[\\s\\p{Pd}]+");

    /** Invisible formatting characters, such as a zero-width space a phone's keyboard added. */
    private static final Pattern INVISIBLE = Pattern.compile("\\p{Cf}");

    /**
     * The keyword of a reply's text: alone or repeated ("STOP STOP"), in any case, without the
     * punctuation, symbols, spaces and invisible characters around it or the spaces and dashes
     * within it, and in its compatible form (a full-width ＳＴＯＰ is STOP). An opt-out a person
     * plainly meant is honoured: "Stop." went on being texted, and so did "STOP ALL", "opt-out" and
     * "STOP 🙏" (a survey-features sweep).
     */
    public static Keyword of(String text) {
      String trimmed =
          text == null
              ? ""
              : AROUND
                  .matcher(
                      INVISIBLE
                          .matcher(Normalizer.normalize(text, Normalizer.Form.NFKC))
                          .replaceAll(""))
                  .replaceAll("")
                  .toUpperCase(Locale.ROOT);
      Keyword whole = keyword(WITHIN.matcher(trimmed).replaceAll(""));
      if (whole != OTHER) {
        return whole;
      }
      // "STOP STOP": one keyword repeated.
      String[] words = WITHIN.split(trimmed);
      return Arrays.stream(words).distinct().count() == 1 ? keyword(words[0]) : OTHER;
    }

    private static Keyword keyword(String word) {
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
   * @param source the event, unique per reply, such as {@code vonage:inbound:<message_uuid>}
   * @param sentAt when the recipient sent it, as the provider says
   */
  @Transactional
  public Outcome apply(
      SuppressionKey number, String sender, String text, String source, Instant sentAt) {
    if (number.channel() != Channel.SMS) {
      throw new IllegalArgumentException("An SMS reply comes from a phone number");
    }
    // A sender or id with a NUL, which Postgres cannot compare or store, names no SMS of ours:
    // acknowledged and ignored like any other text, as a refusal would be posted again and again.
    Keyword keyword = unstorable(sender) || unstorable(source) ? Keyword.OTHER : Keyword.of(text);
    if (keyword == Keyword.OTHER) {
      return new Outcome(keyword, List.of(), 0);
    }
    List<String> tenants = tenantsOf(number, sender);
    if (!record(number, sender, keyword, source, sentAt)) {
      return new Outcome(keyword, tenants, 0);
    }
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
   * Records the reply, after any other of the number being applied (a lock for the number, to the
   * end of the transaction: a tenant's entry for it answers every sender the tenant texted it
   * from); false when it changes nothing: the same event was applied before, or it is a START that
   * a STOP of the number as late or later overrides, to whichever of our senders it went.
   */
  private boolean record(
      SuppressionKey number, String sender, Keyword keyword, String source, Instant sentAt) {
    db.resultQuery(
            "select pg_advisory_xact_lock(hashtextextended({0}, 0))", DSL.val(number.address()))
        .fetch();
    int recorded =
        db.execute(
            """
            insert into sms_reply (source, number, sender, keyword, sent_at)
            values ({0}, {1}, {2}, {3}, {4})
            on conflict (source) do nothing
            """,
            DSL.val(source),
            DSL.val(number.address()),
            DSL.val(unsigned(sender)),
            DSL.val(keyword.name()),
            DSL.val(OffsetDateTime.ofInstant(sentAt, ZoneOffset.UTC)));
    if (recorded == 0 || keyword == Keyword.STOP) {
      return recorded == 1;
    }
    return !db.fetchExists(
        DSL.selectOne()
            .from(DSL.table("sms_reply"))
            .where(
                DSL.condition(
                    "number = {0} and keyword = 'STOP' and sent_at >= {1}",
                    DSL.val(number.address()),
                    DSL.val(OffsetDateTime.ofInstant(sentAt, ZoneOffset.UTC)))));
  }

  private static String unsigned(String sender) {
    return sender.replaceFirst("^\\++", "");
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
            DSL.val(number.address()), DSL.val(sender))
        .fetch()
        .forEach(r -> tenants.add(r.get(0, String.class)));
    return tenants;
  }

  private static boolean unstorable(String value) {
    return value != null && value.indexOf('\0') >= 0;
  }
}
