package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.channel.sms.SmsSegments;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.suppression.SmsReplies.Keyword;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

class SmsRepliesTest extends StoreTest {

  @Autowired SmsReplies replies;
  @Autowired SuppressionStore suppressions;
  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;
  @Autowired TransactionTemplate transactions;

  private static String number() {
    return "+4477%08d".formatted(ThreadLocalRandom.current().nextInt(100_000_000));
  }

  private static String tenant() {
    return "sms-" + UUID.randomUUID();
  }

  private void texted(String tenant, String sender, String number) {
    sendouts.create(
        new NewSendout(
            UUID.randomUUID(),
            tenant,
            Channel.SMS,
            new SmsContent(sender, "Tell us: {{url}}", SmsSegments.Encoding.GSM_7, 1, 1),
            Instant.now(),
            Duration.ofHours(72),
            null,
            "hash",
            List.of(new NewSendout.Recipient(number, null, Map.of("url", "https://s.example/")))));
  }

  /** A reply now, its event unique to this test run by {@code id}. */
  private SmsReplies.Outcome reply(SuppressionKey key, String sender, String text, String id) {
    return reply(key, sender, text, id, Instant.now());
  }

  private SmsReplies.Outcome reply(
      SuppressionKey key, String sender, String text, String id, Instant sentAt) {
    return replies.apply(key, sender, text, source(id), sentAt);
  }

  private final String run = UUID.randomUUID().toString();

  private String source(String id) {
    return "vonage:inbound:" + run + "-" + id;
  }

  @Test
  void keywordsAreTrimmedAnyCaseAndAlone() {
    for (String stop :
        List.of(
            "STOP",
            " stop\n",
            "StopAll",
            "unsubscribe",
            "CANCEL",
            "end",
            "Quit",
            "Stop.",
            "STOP!",
            "\uFF33\uFF34\uFF2F\uFF30",
            "stop\u200B",
            "\u00A0\"Stop\"",
            "STOP ALL",
            "Opt out",
            "revoke",
            "S T O P",
            "STOP \uD83D\uDE4F",
            "Stop\uFE0F",
            "\u270B stop",
            "opt-out",
            "Stop-all",
            "S-T-O-P",
            "STOP STOP",
            "stop stop stop")) {
      assertThat(Keyword.of(stop)).as(stop).isEqualTo(Keyword.STOP);
    }
    assertThat(Keyword.of(" start ")).isEqualTo(Keyword.START);
    assertThat(Keyword.of("UNSTOP")).isEqualTo(Keyword.START);
    for (String other :
        List.of(
            "",
            "please stop",
            "stopp",
            "Thanks",
            "st.op",
            "!",
            "stop it",
            "\uD83D\uDED1",
            "stop start",
            "- -")) {
      assertThat(Keyword.of(other)).as(other).isEqualTo(Keyword.OTHER);
    }
    assertThat(Keyword.of(null)).isEqualTo(Keyword.OTHER);
  }

  @Test
  void stopSuppressesForEveryTenantThatTextedTheNumberFromThatSenderOnly() {
    String number = number();
    String a = tenant();
    String b = tenant();
    String other = tenant();
    texted(a, "Surveys", number);
    texted(b, "Surveys", number);
    texted(other, "+447700000001", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);

    var stop = reply(key, "Surveys", "STOP", "1");
    var again = reply(key, "Surveys", "stop", "2");

    assertThat(stop.tenants()).containsExactlyInAnyOrder(a, b);
    assertThat(stop.changed()).isEqualTo(2);
    assertThat(again.changed()).isZero();
    assertThat(suppressions.lookup(a, key).orElseThrow().source()).isEqualTo(source("1"));
    assertThat(suppressions.lookup(a, key).orElseThrow().reason())
        .isEqualTo(SuppressionReason.SMS_STOP);
    assertThat(suppressions.lookup(other, key)).isEmpty();

    var byNumber = reply(key, "447700000001", "END", "3");
    assertThat(byNumber.tenants())
        .as("a sender number with or without its +")
        .containsExactly(other);
  }

  /** Found by a hostile sweep: a NUL in the signed reply's sender failed in Postgres (a 400). */
  @Test
  void aSenderOrIdWithANulNamesNoTenantAndChangesNothing() {
    String number = number();
    String tenant = tenant();
    texted(tenant, "Surveys", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);

    assertThat(reply(key, "Surveys\0", "STOP", "1"))
        .isEqualTo(new SmsReplies.Outcome(SmsReplies.Keyword.OTHER, List.of(), 0));
    assertThat(reply(key, "Surveys", "STOP", "2\0").keyword()).isEqualTo(SmsReplies.Keyword.OTHER);
    assertThat(suppressions.lookup(tenant, key)).isEmpty();
  }

  @Test
  void startLiftsOnlyAStopAndOtherTextsChangeNothing() {
    String number = number();
    String stopped = tenant();
    String manual = tenant();
    texted(stopped, "Surveys", number);
    texted(manual, "Surveys", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);
    reply(key, "Surveys", "STOP", "1");
    suppressions.remove(manual, key, "test");
    suppressions.add(
        manual, new SuppressionStore.NewEntry(key, SuppressionReason.MANUAL, "api:support"));

    var hello = reply(key, "Surveys", "hello", "2");
    var start = reply(key, "Surveys", "START", "3");

    assertThat(hello.tenants()).isEmpty();
    assertThat(start.changed()).isOne();
    assertThat(suppressions.lookup(stopped, key)).isEmpty();
    assertThat(suppressions.lookup(manual, key).orElseThrow().reason())
        .isEqualTo(SuppressionReason.MANUAL);
  }

  /**
   * A START posted again after a later STOP (a provider's retry, or a captured call replayed within
   * its age), or one sent before a STOP that arrives after it, leaves the number suppressed; a STOP
   * that arrives late still suppresses.
   */
  @Test
  void aStartPostedAgainOrOlderThanAStopLiftsNothing() {
    String number = number();
    String tenant = tenant();
    texted(tenant, "Surveys", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);
    Instant t0 = Instant.now().minusSeconds(60);

    reply(key, "Surveys", "STOP", "1", t0);
    assertThat(reply(key, "Surveys", "START", "2", t0.plusSeconds(10)).changed()).isOne();
    assertThat(reply(key, "Surveys", "STOP", "3", t0.plusSeconds(20)).changed()).isOne();
    var replayed = reply(key, "Surveys", "START", "2", t0.plusSeconds(10));
    var older = reply(key, "+Surveys", "UNSTOP", "4", t0.plusSeconds(15));

    assertThat(replayed.changed()).isZero();
    assertThat(older.changed()).isZero();
    assertThat(suppressions.lookup(tenant, key).orElseThrow().source()).isEqualTo(source("3"));

    assertThat(reply(key, "Surveys", "START", "5", t0.plusSeconds(30)).changed()).isOne();
    var lateStop = reply(key, "Surveys", "STOP", "6", t0.plusSeconds(25));
    assertThat(lateStop.changed()).as("a late STOP still suppresses").isOne();
    assertThat(reply(key, "Surveys", "STOP", "6", t0.plusSeconds(25)).changed()).isZero();
  }

  /** The same event posted again changes nothing, even where its order alone would let it. */
  @Test
  void aReplyPostedAgainIsAppliedOnce() {
    String number = number();
    String tenant = tenant();
    texted(tenant, "Surveys", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);
    Instant t0 = Instant.now().minusSeconds(60);

    assertThat(reply(key, "Surveys", "STOP", "1", t0).changed()).isOne();
    assertThat(reply(key, "Surveys", "START", "2", t0.plusSeconds(10)).changed()).isOne();
    var again = reply(key, "Surveys", "STOP", "1", t0);

    assertThat(again.changed()).isZero();
    assertThat(suppressions.lookup(tenant, key)).isEmpty();
  }

  /**
   * A tenant's entry answers every sender it texted the number from: a START to one does not lift a
   * later STOP sent to the other (second reader).
   */
  @Test
  void aStartToOneSenderDoesNotLiftALaterStopToAnother() {
    String number = number();
    String tenant = tenant();
    texted(tenant, "Surveys", number);
    texted(tenant, "Polls", number);
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number);
    Instant t0 = Instant.now().minusSeconds(60);

    reply(key, "Polls", "STOP", "1", t0.plusSeconds(20));
    var olderStart = reply(key, "Surveys", "START", "2", t0.plusSeconds(10));

    assertThat(olderStart.changed()).isZero();
    assertThat(suppressions.lookup(tenant, key)).isPresent();
  }

  @Test
  void aNumberNoTenantTextedChangesNothing() {
    SuppressionKey key = SuppressionKey.of(Channel.SMS, number());

    var stop = reply(key, "Surveys", "STOP", "1");

    assertThat(stop.tenants()).isEmpty();
    assertThat(stop.changed()).isZero();
  }

  @Test
  void theLookupCanUseThePartialIndexOnSmsAddresses() {
    String plan =
        transactions.execute(
            status -> {
              db.execute("set local enable_seqscan = off");
              return String.join(
                  "\n",
                  db.fetch(
                          "explain select distinct s.tenant_id from message m"
                              + " join sendout s on s.id = m.sendout_id"
                              + " where m.address = '+447700900001' and m.address like '+%'"
                              + " and s.channel = 'SMS'"
                              + " and ltrim(s.content ->> 'senderId', '+') = 'Surveys'")
                      .getValues(0, String.class));
            });

    assertThat(plan).contains("message_sms_address_idx");
  }
}
